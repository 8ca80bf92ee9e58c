#include "sim/render.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <initializer_list>

#include "common/time_format.hpp"
#include "sim/opensearch_service.hpp"
#include "sim/sim_time.hpp"

namespace sesmon::sim {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(writer& w, const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_version(writer& w, const cluster_view& v) {
    w.Key("versionVo");
    w.StartObject();
    str(w, "currentVersionCode", v.current_version);
    str(w, "targetVersionCode", v.target_version);
    w.Key("actionDate");
    if (v.action_date) {
        w.String(format_kst(*v.action_date).c_str());
    } else {
        w.Null();
    }
    w.EndObject();
}

void write_nodes(writer& w, const std::vector<node_view>& nodes) {
    w.Key("nodeStatusVoList");
    w.StartArray();
    for (const auto& n : nodes) {
        w.StartObject();
        str(w, "hostname", n.hostname);
        str(w, "status", n.status);
        str(w, "nodeRoleCode", n.role);
        str(w, "updatedDate", n.updated_text);
        w.EndObject();
    }
    w.EndArray();
}

std::string engine_status(const cluster_view& v) {
    if (v.cluster_status == "error")
        return "red";
    if (v.cluster_status == "changing")
        return "yellow";
    return "green";
}

void count(writer& w, const char* key, const cluster_spec& c,
           std::initializer_list<std::string_view> roles) {
    w.Key(key);
    w.Uint(static_cast<unsigned>(std::count_if(c.nodes.begin(), c.nodes.end(), [&](const auto& n) {
        return std::find(roles.begin(), roles.end(), n.role) != roles.end();
    })));
}

void write_summary(writer& w, const cluster_spec& c, const cluster_view& v) {
    str(w, "serviceGroupInstanceNo", c.instance_no);
    str(w, "clusterName", c.name);
    str(w, "clusterStatus", v.cluster_status);
    str(w, "searchEngineStatus", engine_status(v));
    str(w, "searchEngineVersion", version_name(v.version_code));
    str(w, "searchEngineVersionCode", v.version_code);
    str(w, "vpcName", c.vpc_name);
    count(w, "managerNodeCount", c, {"M"});
    count(w, "dataNodeCount", c, {"D", "DO"});
    count(w, "masterNodeCount", c, {"MO"});
}

}  // namespace

std::string render_progress_result(const cluster_spec& c, const cluster_view& v) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    str(w, "name", c.name);
    w.Key("nodeCount");
    w.Uint(static_cast<unsigned>(c.nodes.size()));
    if (v.shows_upgrade) {
        write_version(w, v);
        write_nodes(w, v.nodes);
    } else if (c.idle == idle_variant::null_version) {
        w.Key("versionVo");
        w.Null();
        write_nodes(w, {});
    } else {
        write_version(w, v);
        if (c.idle != idle_variant::missing_list)
            write_nodes(w, {});
    }
    w.EndObject();
    return buffer.GetString();
}

std::string render_cluster_info(const cluster_spec& c, const cluster_view& v,
                                const opensearch_service* os) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    write_summary(w, c, v);
    const unsigned short port = os ? os->port_of(c.instance_no) : 0;
    str(w, "searchEngineUserName",
        c.opensearch && !c.opensearch->username.empty() ? c.opensearch->username : "admin");
    str(w, "searchEnginePort", port ? std::to_string(port) : "9200");
    str(w, "searchEngineDashboardPort", "15601");
    w.Key("nodeCount");
    w.Uint(static_cast<unsigned>(c.nodes.size()));
    str(w, "regionCode", c.region);
    w.Key("clusterNodeList");
    w.StartArray();
    for (const auto& n : c.nodes) {
        w.StartObject();
        str(w, "hostName", n.hostname);
        str(w, "nodeRoleCode", n.role);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buffer.GetString();
}

std::string render_node_list(const cluster_spec& c, const opensearch_service* os) {
    const bool served = os && os->port_of(c.instance_no) != 0;
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    str(w, "serviceGroupInstanceNo", c.instance_no);
    str(w, "serviceGroupName", c.name);
    w.Key("computeList");
    w.StartArray();
    for (std::size_t i = 0; i < c.nodes.size(); ++i) {
        w.StartObject();
        str(w, "computeInstanceName", c.nodes[i].hostname);
        str(w, "nodeRoleCode", c.nodes[i].role);
        // A cluster with an endpoint: every node's address reaches the simulator's listener.
        str(w, "privateIp", served ? os->host() : "10.0.1." + std::to_string(11 + i));
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buffer.GetString();
}

std::string render_version_list(const std::vector<std::string>& codes) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    w.Key("searchEngineVersionList");
    w.StartArray();
    for (const std::string& code : codes) {
        w.StartObject();
        str(w, "searchEngineVersionCode", code);
        str(w, "searchEngineVersionName", "OpenSearch " + version_name(code));
        str(w, "searchEngineDashboardVersionName", "OpenSearch Dashboards " + version_name(code));
        str(w, "type", "OpenSearch");
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buffer.GetString();
}

std::string render_cluster_list(const std::vector<list_entry>& page, std::size_t total,
                                std::size_t page_no, std::size_t page_size) {
    const std::size_t total_pages = (total + page_size - 1) / page_size;
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    w.Key("currentPage");
    w.Uint64(page_no);
    w.Key("pageSize");
    w.Uint64(page_size);
    w.Key("totalCount");
    w.Uint64(total);
    w.Key("totalPage");
    w.Uint64(total_pages);
    w.Key("isFirst");
    w.Bool(page_no == 1);
    w.Key("isLast");
    w.Bool(page_no >= total_pages);
    for (const bool disallowed : {false, true}) {
        w.Key(disallowed ? "disallowedClusters" : "allowedClusters");
        w.StartArray();
        for (const auto& e : page) {
            if (e.spec->disallowed != disallowed)
                continue;
            w.StartObject();
            write_summary(w, *e.spec, e.view);
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
    return buffer.GetString();
}

namespace {

void write_opensearch_state(writer& w, const cluster_spec& c, const opensearch_service* os) {
    w.Key("opensearch");
    const auto state = os ? os->state_of(c) : std::nullopt;
    if (!state || os->port_of(c.instance_no) == 0) {
        w.Null();
        return;
    }
    w.StartObject();
    str(w, "url",
        os->scheme() + "://" + os->host() + ":" + std::to_string(os->port_of(c.instance_no)));
    w.Key("requests");
    w.StartObject();
    for (const char* path : {"/_cluster/health", "/_cat/nodes", "/_cat/recovery", "/_cat/snapshots",
                             "/_snapshot/_all/_all"}) {
        w.Key(path);
        w.Uint64(os->requests_of(c.instance_no, path));
    }
    w.EndObject();
    w.Key("unreachable");
    w.Bool(state->unreachable);
    str(w, "health", state->reading.health);
    w.Key("initializing_shards");
    w.Int(state->reading.shards.initializing);
    w.Key("unassigned_shards");
    w.Int(state->reading.shards.unassigned);
    w.Key("recoveries");
    w.Uint(static_cast<unsigned>(state->reading.recoveries.size()));
    w.Key("nodes");
    w.StartArray();
    for (const auto& n : state->reading.nodes) {
        w.StartObject();
        str(w, "name", n.name);
        str(w, "version", n.version);
        w.EndObject();
    }
    w.EndArray();
    str(w, "snapshot_end",
        state->snapshot_end ? common::format_rfc3339_utc(*state->snapshot_end) : "");
    w.EndObject();
}

}  // namespace

std::string render_state(const scenario& s, wall_time now, double time_scale,
                         const opensearch_service* os) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    str(w, "virtual_time", common::format_rfc3339_utc(now));
    str(w, "virtual_time_kst", format_kst(now));
    w.Key("time_scale");
    w.Double(time_scale);
    w.Key("clusters");
    w.StartArray();
    for (const auto& c : s.clusters) {
        auto v = play(c, now);
        w.StartObject();
        str(w, "name", c.name);
        str(w, "instance_no", c.instance_no);
        str(w, "phase", std::string(to_string(v.phase)));
        str(w, "cluster_status", v.cluster_status);
        str(w, "version_code", v.version_code);
        w.Key("present");
        w.Bool(exists_at(c, now));
        write_opensearch_state(w, c, os);
        w.Key("nodes");
        w.StartArray();
        for (const auto& n : v.nodes) {
            w.StartObject();
            str(w, "hostname", n.hostname);
            str(w, "status", n.status);
            str(w, "updated", n.updated_text);
            w.EndObject();
        }
        if (!v.shows_upgrade) {
            // No upgrade to show: the nodes are just there.
            for (const auto& n : c.nodes) {
                w.StartObject();
                str(w, "hostname", n.hostname);
                str(w, "status", "idle");
                str(w, "updated", "");
                w.EndObject();
            }
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buffer.GetString();
}

}  // namespace sesmon::sim
