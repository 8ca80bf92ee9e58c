#include "web/view_model.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <string_view>

#include "common/time_format.hpp"

namespace sesmon::web {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put_string(json_writer& w, std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// "" is "not known" in the view; the API says null for that.
void put_string_or_null(json_writer& w, std::string_view text) {
    if (text.empty()) {
        w.Null();
    } else {
        put_string(w, text);
    }
}

void put_time(json_writer& w, const std::optional<wall_time>& t) {
    if (t) {
        put_string(w, common::format_rfc3339_utc(*t));
    } else {
        w.Null();
    }
}

void put_node(json_writer& w, const node_view& node) {
    w.StartObject();
    w.Key("hostname");
    put_string(w, node.hostname);
    w.Key("role");
    put_string(w, node.role);
    w.Key("status");
    put_string(w, node.status);
    w.Key("phase");
    put_string(w, node.phase);
    w.Key("status_since");
    put_time(w, node.status_since);
    w.Key("seconds_in_status");
    w.Int64(node.seconds_in_status);
    w.EndObject();
}

void put_cluster(json_writer& w, const cluster_view& c) {
    w.StartObject();
    w.Key("name");
    put_string(w, c.name);
    w.Key("instance_no");
    put_string(w, c.instance_no);
    w.Key("region");
    put_string(w, c.region);

    w.Key("upgrade");
    w.StartObject();
    w.Key("in_progress");
    w.Bool(c.upgrade_in_progress);
    w.Key("from_version");
    put_string_or_null(w, c.from_version);
    w.Key("to_version");
    put_string_or_null(w, c.to_version);
    w.Key("action_date");
    put_string_or_null(w, c.action_date);
    w.Key("started_at");
    put_time(w, c.started_at);
    w.Key("finished_at");
    put_time(w, c.finished_at);
    w.Key("nodes_total");
    w.Int(c.nodes_total);
    w.Key("nodes_complete");
    w.Int(c.nodes_complete);
    w.EndObject();

    w.Key("stalled");
    w.Bool(c.stalled);
    w.Key("stall");
    if (c.stalled) {
        w.StartObject();
        w.Key("reason");
        put_string_or_null(w, c.stall_reason);
        w.Key("stalled_for_seconds");
        w.Int64(c.stalled_for_seconds);
        w.EndObject();
    } else {
        w.Null();
    }
    w.Key("failed");
    w.Bool(c.failed);
    w.Key("blind");
    w.Bool(c.blind);

    w.Key("last_poll");
    w.StartObject();
    w.Key("at");
    put_time(w, c.last_poll_at);
    w.Key("result");
    put_string_or_null(w, c.last_poll_result);
    w.Key("success_at");
    put_time(w, c.last_success_at);
    w.Key("error");
    put_string_or_null(w, c.last_error);
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
    w.Key("version");
    put_string(w, view.version);
    w.Key("started_at");
    put_string(w, common::format_rfc3339_utc(view.started_at));
    w.Key("now");
    put_string(w, common::format_rfc3339_utc(view.now));
    w.Key("ready");
    w.Bool(view.ready);
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
