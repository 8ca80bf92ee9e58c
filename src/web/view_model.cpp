#include "web/view_model.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <string_view>

#include "common/json_writer.hpp"
#include "common/time_format.hpp"
#include "web/fleet_state.hpp"

namespace sesmon::web {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

namespace json = common::json;

// One "key": value pair each; "" and nullopt are "not known" in the view and null in JSON
// (json::put_or_null, json::put_time), except fields that are never empty (json::put).
void put(json_writer& w, const char* key, bool value) {
    w.Key(key);
    w.Bool(value);
}
void put(json_writer& w, const char* key, long long value) {
    w.Key(key);
    w.Int64(value);
}

// `with_view`: the cluster has an OpenSearch view, and the node says what it shows.
void put_node(json_writer& w, const node_view& node, bool with_view) {
    w.StartObject();
    json::put(w, "hostname", node.hostname);
    json::put(w, "role", node.role);
    json::put(w, "status", node.status);
    json::put(w, "phase", node.phase);
    json::put_time(w, "status_since", node.status_since);
    put(w, "seconds_in_status", node.seconds_in_status);
    if (with_view) {
        w.Key("in_cluster");
        if (node.in_cluster) {
            w.Bool(*node.in_cluster);
        } else {
            w.Null();
        }
        json::put_or_null(w, "opensearch_version", node.opensearch_version);
    }
    w.EndObject();
}

// Only for a cluster with a view: the document of every other cluster stays as it was.
void put_opensearch(json_writer& w, const std::optional<opensearch_view>& view) {
    if (!view)
        return;
    const opensearch_view& o = *view;
    w.Key("opensearch");
    w.StartObject();
    put(w, "current", o.current);
    json::put_or_null(w, "error", o.error);
    json::put_time(w, "read_at", o.read_at);
    json::put_or_null(w, "health", o.current ? o.health : "");
    w.Key("shards");
    w.StartObject();
    put(w, "initializing", static_cast<long long>(o.shards.initializing));
    put(w, "relocating", static_cast<long long>(o.shards.relocating));
    put(w, "unassigned", static_cast<long long>(o.shards.unassigned));
    w.EndObject();
    w.Key("recoveries");
    w.StartObject();
    put(w, "count", static_cast<long long>(o.recoveries.count));
    w.Key("percent_done");
    w.Double(static_cast<double>(static_cast<long long>(o.recoveries.percent_done * 10)) / 10);
    w.EndObject();
    put(w, "nodes", static_cast<long long>(o.nodes));
    w.EndObject();
}

void put_cluster(json_writer& w, const cluster_view& c, wall_time now, bool with_nodes) {
    w.StartObject();
    json::put(w, "name", c.name);
    json::put(w, "instance_no", c.instance_no);
    json::put(w, "region", c.region);
    put(w, "discovered", c.discovered);
    json::put_labels(w, "labels", c.labels);
    json::put(w, "state", to_string(state_of(c, now)));

    w.Key("upgrade");
    w.StartObject();
    json::put_or_null(w, "id", c.upgrade_id);
    put(w, "in_progress", c.upgrade_in_progress);
    json::put_or_null(w, "from_version", c.from_version);
    json::put_or_null(w, "to_version", c.to_version);
    json::put_or_null(w, "action_date", c.action_date);
    json::put_time(w, "started_at", c.started_at);
    json::put_time(w, "finished_at", c.finished_at);
    json::put_time(w, "expected_finish", c.expected_finish);
    put(w, "nodes_total", static_cast<long long>(c.nodes_total));
    put(w, "nodes_complete", static_cast<long long>(c.nodes_complete));
    w.EndObject();

    put(w, "stalled", c.stalled);
    w.Key("stall");
    if (c.stalled) {
        w.StartObject();
        json::put_or_null(w, "reason", c.stall_reason);
        put(w, "stalled_for_seconds", c.stalled_for_seconds);
        json::put_or_null(w, "node", c.stall_node);
        w.EndObject();
    } else {
        w.Null();
    }
    put(w, "failed", c.failed);
    put(w, "blind", c.blind);

    w.Key("last_poll");
    w.StartObject();
    json::put_time(w, "at", c.last_poll_at);
    json::put_or_null(w, "result", c.last_poll_result);
    json::put_time(w, "success_at", c.last_success_at);
    json::put_or_null(w, "error", c.last_error);
    w.EndObject();

    put_opensearch(w, c.opensearch);

    if (with_nodes) {
        w.Key("nodes");
        w.StartArray();
        for (const auto& node : c.nodes)
            put_node(w, node, c.opensearch.has_value());
        w.EndArray();
    }
    w.EndObject();
}

void put_header(json_writer& w, const daemon_view& view) {
    json::put(w, "version", view.version);
    json::put(w, "started_at", common::format_rfc3339_utc(view.started_at));
    json::put(w, "now", common::format_rfc3339_utc(view.now));
    put(w, "ready", view.ready);
    if (view.ha) {  // an HA member only: a daemon alone keeps the document it always had
        w.Key("ha");
        w.StartObject();
        json::put(w, "group", view.ha->group);
        json::put(w, "member", view.ha->member);
        json::put(w, "role", view.ha->role);
        json::put_or_null(w, "leader", view.ha->leader);
        json::put_or_null(w, "problem", view.ha->problem);
        w.EndObject();
    }
}

}  // namespace

opensearch_view make_opensearch_view(const cluster_view_state& state) {
    opensearch_view v;
    v.error = state.error;
    if (!state.reading) {
        if (v.error.empty())
            v.error = "not read yet";
        return v;
    }
    const cluster_reading& r = *state.reading;
    v.current = true;
    v.read_at = r.read_at;
    v.health = r.health;
    v.shards = r.shards;
    v.recoveries = summarize_recoveries(r.recoveries);
    v.nodes = static_cast<int>(r.nodes.size());
    return v;
}

void node_versions(std::vector<node_view>& nodes, const cluster_view_state& state) {
    if (!state.reading)
        return;
    for (node_view& n : nodes) {
        const opensearch_node* found = find_opensearch_node(state.reading->nodes, n.hostname);
        n.in_cluster = found != nullptr;
        n.opensearch_version = found ? found->version : "";
    }
}

std::string header_fields_json(const daemon_view& view) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    put_header(w, view);
    w.EndObject();
    return std::string(buffer.GetString() + 1, buffer.GetSize() - 2);  // without { }
}

std::string to_json(const daemon_view& view) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    put_header(w, view);
    w.Key("clusters");
    w.StartArray();
    for (const auto& c : view.clusters)
        put_cluster(w, c, view.now, true);
    w.EndArray();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

std::string to_json(const cluster_view& view, wall_time now, bool with_nodes) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    put_cluster(w, view, now, with_nodes);
    return {buffer.GetString(), buffer.GetSize()};
}

cluster_view from_snapshot(const cluster_config& cluster, const snapshot& snap, wall_time now,
                           std::chrono::seconds api_offset) {
    cluster_view view;
    view.name = cluster.name;
    view.instance_no = cluster.instance_no;
    view.region = cluster.region;
    view.discovered = cluster.discovered;
    view.labels = cluster.labels;
    if (snap.version) {
        view.from_version = snap.version->current_version;
        view.to_version = snap.version->target_version;
        view.action_date = snap.version->action_at
                               ? common::format_rfc3339(*snap.version->action_at, api_offset)
                               : snap.version->action_date_raw;
    }

    bool past_pending = false;
    for (const auto& obs : snap.nodes) {
        node_view node;
        node.hostname = obs.hostname;
        node.role = obs.role;
        node.status = obs.status;
        const node_phase phase = classify_status(obs.status);
        node.phase = std::string(to_string(phase));
        if (obs.updated_at && *obs.updated_at <= now) {
            node.status_since = obs.updated_at;
            node.seconds_in_status = (now - *obs.updated_at).count();
        }
        if (phase != node_phase::pending)
            past_pending = true;
        if (phase == node_phase::complete)
            ++view.nodes_complete;
        if (phase == node_phase::failed)
            view.failed = true;
        view.nodes.push_back(std::move(node));
    }
    view.nodes_total = snap.node_count > 0 ? snap.node_count : static_cast<int>(snap.nodes.size());

    const bool started = past_pending || (snap.version && !view.to_version.empty() &&
                                          view.to_version != view.from_version);
    const bool finished = view.nodes_total > 0 && view.nodes_complete >= view.nodes_total;
    view.upgrade_in_progress = started && !finished;

    view.last_poll_at = now;
    view.last_success_at = now;
    view.last_poll_result = "ok";
    return view;
}

}  // namespace sesmon::web
