#include "web/history_json.hpp"

#include <algorithm>

#include "common/json_writer.hpp"
#include "sesmon/snapshot.hpp"

namespace sesmon::web {
namespace {

namespace json = common::json;

long long seconds(duration d) {
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

void put_summary(json::writer& w, const state::upgrade_summary& u, wall_time now,
                 std::optional<wall_time> expected_finish) {
    w.StartObject();
    json::put(w, "id", u.id);
    json::put(w, "cluster", u.cluster);
    json::put(w, "instance_no", u.instance_no);
    json::put_or_null(w, "from_version", u.from_version);
    json::put_or_null(w, "to_version", u.to_version);
    json::put_or_null(w, "action_date", u.action_date);
    json::put_time(w, "started_at", std::optional<wall_time>(u.started_at));
    json::put_time(w, "finished_at", u.finished_at);
    json::put_time(w, "ended_at", u.ended_at);
    json::put(w, "outcome", u.outcome);
    json::key(w, "duration_seconds");
    w.Int64(seconds(u.duration_at(now)));
    json::key(w, "nodes");
    w.StartObject();
    json::key(w, "total");
    w.Int(u.nodes_total);
    json::key(w, "complete");
    w.Int(u.nodes_complete);
    w.EndObject();
    json::put_time(w, "expected_finish",
                   u.outcome == "in_progress" ? expected_finish : std::nullopt);
    w.EndObject();
}

}  // namespace

std::string history_json(const std::vector<state::upgrade_summary>& upgrades, wall_time now,
                         const eta_lookup& eta) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put_time(w, "now", std::optional<wall_time>(now));
    json::key(w, "upgrades");
    w.StartArray();
    for (const auto& u : upgrades)
        put_summary(w, u, now, eta && u.outcome == "in_progress" ? eta(u) : std::nullopt);
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

std::string timeline_json(const state::upgrade_timeline& t, wall_time now,
                          std::optional<wall_time> expected_finish) {
    const wall_time end = t.upgrade.ended_at.value_or(now);
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put_time(w, "now", std::optional<wall_time>(now));
    json::key(w, "upgrade");
    put_summary(w, t.upgrade, now, expected_finish);
    json::key(w, "nodes");
    w.StartArray();
    for (const auto& n : t.nodes) {
        w.StartObject();
        json::put(w, "hostname", n.hostname);
        json::put(w, "role", n.role);
        json::key(w, "statuses");
        w.StartArray();
        for (const auto& s : n.statuses) {
            w.StartObject();
            json::put(w, "status", s.status);
            json::put(w, "phase", to_string(classify_status(s.status)));
            json::put_time(w, "started_at", std::optional<wall_time>(s.started_at));
            json::put_time(w, "ended_at", s.ended_at);
            json::key(w, "seconds");
            w.Int64(seconds(
                std::max(duration(s.ended_at.value_or(std::max(end, s.started_at)) - s.started_at),
                         duration(0))));
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace sesmon::web
