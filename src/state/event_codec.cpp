#include "state/event_codec.hpp"

#include <rapidjson/document.h>

#include "common/json_writer.hpp"

namespace sesmon::state {
namespace {

namespace json = common::json;
using json_value = rapidjson::Value;

void put_time(json::writer& w, std::string_view key, const std::optional<wall_time>& t) {
    json::key(w, key);
    if (t) {
        w.Int64(t->time_since_epoch().count());
    } else {
        w.Null();
    }
}

void put_int(json::writer& w, std::string_view key, long long n) {
    json::key(w, key);
    w.Int64(n);
}

std::string text_of(const json_value& object, const char* key) {
    const auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsString())
        return {};
    return {it->value.GetString(), it->value.GetStringLength()};
}

long long int_of(const json_value& object, const char* key) {
    const auto it = object.FindMember(key);
    return it != object.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

std::optional<wall_time> time_of(const json_value& object, const char* key) {
    const auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsInt64())
        return std::nullopt;
    return wall_time(std::chrono::seconds(it->value.GetInt64()));
}

const json_value* object_of(const json_value& object, const char* key) {
    const auto it = object.FindMember(key);
    return it != object.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

// stall.cluster (SPEC §16), compact: only events of clusters with an OpenSearch view have it.
void put_insight(json::writer& w, const cluster_insight& c) {
    json::key(w, "cluster");
    w.StartObject();
    json::key(w, "current");
    w.Bool(c.current);
    json::put(w, "error", c.error);
    put_time(w, "read_at", c.read_at);
    json::put(w, "health", c.health);
    put_int(w, "initializing", c.shards.initializing);
    put_int(w, "relocating", c.shards.relocating);
    put_int(w, "unassigned", c.shards.unassigned);
    put_int(w, "recoveries", c.recoveries.count);
    json::key(w, "percent_done");
    w.Double(c.recoveries.percent_done);
    json::key(w, "node_in_cluster");
    if (c.node_in_cluster) {
        w.Bool(*c.node_in_cluster);
    } else {
        w.Null();
    }
    json::put(w, "node_version", c.node_version);
    json::key(w, "absent");
    w.StartArray();
    for (const auto& n : c.nodes_absent)
        json::string(w, n);
    w.EndArray();
    w.EndObject();
}

cluster_insight insight_of(const json_value& c) {
    cluster_insight out;
    const auto flag = c.FindMember("current");
    out.current = flag != c.MemberEnd() && flag->value.IsBool() && flag->value.GetBool();
    out.error = text_of(c, "error");
    out.read_at = time_of(c, "read_at");
    out.health = text_of(c, "health");
    out.shards = {static_cast<int>(int_of(c, "initializing")),
                  static_cast<int>(int_of(c, "relocating")),
                  static_cast<int>(int_of(c, "unassigned"))};
    out.recoveries.count = static_cast<int>(int_of(c, "recoveries"));
    if (const auto p = c.FindMember("percent_done"); p != c.MemberEnd() && p->value.IsNumber())
        out.recoveries.percent_done = p->value.GetDouble();
    if (const auto n = c.FindMember("node_in_cluster"); n != c.MemberEnd() && n->value.IsBool())
        out.node_in_cluster = n->value.GetBool();
    out.node_version = text_of(c, "node_version");
    if (const auto a = c.FindMember("absent"); a != c.MemberEnd() && a->value.IsArray()) {
        for (const auto& item : a->value.GetArray()) {
            if (item.IsString())
                out.nodes_absent.emplace_back(item.GetString(), item.GetStringLength());
        }
    }
    return out;
}

// Rows written before labels existed have none.
label_set labels_of(const json_value& cluster) {
    label_set out;
    const json_value* labels = object_of(cluster, "labels");
    if (labels == nullptr)
        return out;
    for (const auto& m : labels->GetObject()) {
        if (m.value.IsString())
            out.set(m.name.GetString(), {m.value.GetString(), m.value.GetStringLength()});
    }
    return out;
}

}  // namespace

std::string encode_event(const event& e) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    put_int(w, "format", event_codec_format);
    json::put(w, "id", e.id);
    json::put(w, "type", to_string(e.type));
    put_time(w, "occurred_at", e.occurred_at);
    json::put(w, "summary", e.summary);
    json::key(w, "cluster");
    w.StartObject();
    json::put(w, "name", e.cluster.name);
    json::put(w, "instance_no", e.cluster.instance_no);
    json::put(w, "region", e.cluster.region);
    if (!e.cluster.labels.empty())
        json::put_labels(w, "labels", e.cluster.labels);
    w.EndObject();
    if (e.upgrade) {
        const upgrade_info& u = *e.upgrade;
        json::key(w, "upgrade");
        w.StartObject();
        json::put(w, "from_version", u.from_version);
        json::put(w, "to_version", u.to_version);
        json::put(w, "action_date", u.action_date);
        put_int(w, "nodes_total", u.nodes_total);
        put_int(w, "nodes_complete", u.nodes_complete);
        put_time(w, "started_at", u.started_at);
        put_time(w, "finished_at", u.finished_at);
        put_time(w, "expected_finish", u.expected_finish);
        w.EndObject();
    }
    if (e.node) {
        const node_info& n = *e.node;
        json::key(w, "node");
        w.StartObject();
        json::put(w, "hostname", n.hostname);
        json::put(w, "role", n.role);
        json::put(w, "status", n.status);
        json::put(w, "previous_status", n.previous_status);
        put_time(w, "status_since", n.status_since);
        w.EndObject();
    }
    if (e.stall) {
        json::key(w, "stall");
        w.StartObject();
        json::put(w, "reason", e.stall->reason);
        put_int(w, "stalled_for_seconds", e.stall->stalled_for_seconds);
        if (e.stall->peer_median_seconds != 0)
            put_int(w, "peer_median_seconds", e.stall->peer_median_seconds);
        if (e.stall->cluster)
            put_insight(w, *e.stall->cluster);
        w.EndObject();
    }
    if (e.error)
        json::put(w, "error", *e.error);
    if (e.in_maintenance_window) {
        json::key(w, "in_maintenance_window");
        w.Bool(*e.in_maintenance_window);
    }
    w.EndObject();
    return json::text(buffer);
}

std::optional<event> decode_event(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject() || int_of(doc, "format") != event_codec_format)
        return std::nullopt;
    event e;
    e.id = text_of(doc, "id");
    const auto type = parse_event_type(text_of(doc, "type"));
    const auto occurred = time_of(doc, "occurred_at");
    const json_value* cluster = object_of(doc, "cluster");
    if (e.id.empty() || !type || !occurred || cluster == nullptr)
        return std::nullopt;
    e.type = *type;
    e.occurred_at = *occurred;
    e.summary = text_of(doc, "summary");
    e.cluster = {text_of(*cluster, "name"), text_of(*cluster, "instance_no"),
                 text_of(*cluster, "region"), labels_of(*cluster)};
    if (const json_value* u = object_of(doc, "upgrade")) {
        e.upgrade = upgrade_info{text_of(*u, "from_version"),
                                 text_of(*u, "to_version"),
                                 text_of(*u, "action_date"),
                                 static_cast<int>(int_of(*u, "nodes_total")),
                                 static_cast<int>(int_of(*u, "nodes_complete")),
                                 time_of(*u, "started_at"),
                                 time_of(*u, "finished_at"),
                                 time_of(*u, "expected_finish")};
    }
    if (const json_value* n = object_of(doc, "node")) {
        e.node = node_info{text_of(*n, "hostname"), text_of(*n, "role"), text_of(*n, "status"),
                           text_of(*n, "previous_status"), time_of(*n, "status_since")};
    }
    if (const json_value* s = object_of(doc, "stall")) {
        e.stall = stall_info{text_of(*s, "reason"), int_of(*s, "stalled_for_seconds"),
                             int_of(*s, "peer_median_seconds"), std::nullopt};
        if (const json_value* c = object_of(*s, "cluster"))
            e.stall->cluster = insight_of(*c);
    }
    if (const auto it = doc.FindMember("error"); it != doc.MemberEnd() && it->value.IsString())
        e.error = std::string(it->value.GetString(), it->value.GetStringLength());
    if (const auto it = doc.FindMember("in_maintenance_window");
        it != doc.MemberEnd() && it->value.IsBool())
        e.in_maintenance_window = it->value.GetBool();
    return e;
}

}  // namespace sesmon::state
