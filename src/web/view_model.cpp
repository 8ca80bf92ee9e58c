#include "web/view_model.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <string_view>

#include "common/time_format.hpp"

namespace sesmon::web {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

// One "key": value pair each; "" and nullopt are "not known" in the view and null in JSON
// (except where a field is never empty, which uses put_text).
void put_text(json_writer& w, const char* key, std::string_view text) {
    w.Key(key);
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}
void put_nullable(json_writer& w, const char* key, std::string_view text) {
    if (text.empty()) {
        w.Key(key);
        w.Null();
    } else {
        put_text(w, key, text);
    }
}
void put(json_writer& w, const char* key, const std::optional<wall_time>& t) {
    put_nullable(w, key, t ? common::format_rfc3339_utc(*t) : std::string());
}
void put(json_writer& w, const char* key, bool value) {
    w.Key(key);
    w.Bool(value);
}
void put(json_writer& w, const char* key, long long value) {
    w.Key(key);
    w.Int64(value);
}

void put_node(json_writer& w, const node_view& node) {
    w.StartObject();
    put_text(w, "hostname", node.hostname);
    put_text(w, "role", node.role);
    put_text(w, "status", node.status);
    put_text(w, "phase", node.phase);
    put(w, "status_since", node.status_since);
    put(w, "seconds_in_status", node.seconds_in_status);
    w.EndObject();
}

void put_cluster(json_writer& w, const cluster_view& c) {
    w.StartObject();
    put_text(w, "name", c.name);
    put_text(w, "instance_no", c.instance_no);
    put_text(w, "region", c.region);

    w.Key("upgrade");
    w.StartObject();
    put(w, "in_progress", c.upgrade_in_progress);
    put_nullable(w, "from_version", c.from_version);
    put_nullable(w, "to_version", c.to_version);
    put_nullable(w, "action_date", c.action_date);
    put(w, "started_at", c.started_at);
    put(w, "finished_at", c.finished_at);
    put(w, "nodes_total", static_cast<long long>(c.nodes_total));
    put(w, "nodes_complete", static_cast<long long>(c.nodes_complete));
    w.EndObject();

    put(w, "stalled", c.stalled);
    w.Key("stall");
    if (c.stalled) {
        w.StartObject();
        put_nullable(w, "reason", c.stall_reason);
        put(w, "stalled_for_seconds", c.stalled_for_seconds);
        w.EndObject();
    } else {
        w.Null();
    }
    put(w, "failed", c.failed);
    put(w, "blind", c.blind);

    w.Key("last_poll");
    w.StartObject();
    put(w, "at", c.last_poll_at);
    put_nullable(w, "result", c.last_poll_result);
    put(w, "success_at", c.last_success_at);
    put_nullable(w, "error", c.last_error);
    w.EndObject();

    w.Key("nodes");
    w.StartArray();
    for (const auto& node : c.nodes)
        put_node(w, node);
    w.EndArray();
    w.EndObject();
}

}  // namespace

std::string to_json(const daemon_view& view) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    put_text(w, "version", view.version);
    put_text(w, "started_at", common::format_rfc3339_utc(view.started_at));
    put_text(w, "now", common::format_rfc3339_utc(view.now));
    put(w, "ready", view.ready);
    w.Key("clusters");
    w.StartArray();
    for (const auto& c : view.clusters)
        put_cluster(w, c);
    w.EndArray();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

std::string to_json(const cluster_view& view) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    put_cluster(w, view);
    return {buffer.GetString(), buffer.GetSize()};
}

cluster_view from_snapshot(const cluster_config& cluster, const snapshot& snap, wall_time now,
                           std::chrono::seconds api_offset) {
    cluster_view view;
    view.name = cluster.name;
    view.instance_no = cluster.instance_no;
    view.region = cluster.region;
    if (snap.version) {
        view.from_version = snap.version->current_version;
        view.to_version = snap.version->target_version;
        view.action_date = snap.version->action_at
                               ? common::format_rfc3339(*snap.version->action_at, api_offset)
                               : snap.version->action_date_raw;
    }

    bool past_pending = false;
    const auto stage_timeout =
        std::chrono::duration_cast<std::chrono::seconds>(cluster.stall.node_stage_timeout);
    long long longest_stuck = -1;
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
        if (phase == node_phase::upgrading && node.status_since &&
            node.seconds_in_status >= stage_timeout.count()) {
            longest_stuck = std::max(longest_stuck, node.seconds_in_status);
        }
        view.nodes.push_back(std::move(node));
    }
    view.nodes_total = snap.node_count > 0 ? snap.node_count : static_cast<int>(snap.nodes.size());

    const bool started = past_pending || (snap.version && !view.to_version.empty() &&
                                          view.to_version != view.from_version);
    const bool finished = view.nodes_total > 0 && view.nodes_complete >= view.nodes_total;
    view.upgrade_in_progress = started && !finished;
    if (view.upgrade_in_progress && longest_stuck >= 0) {
        view.stalled = true;
        view.stall_reason = "node_stage_timeout";
        view.stalled_for_seconds = longest_stuck;
    }

    view.last_poll_at = now;
    view.last_success_at = now;
    view.last_poll_result = "ok";
    return view;
}

}  // namespace sesmon::web
