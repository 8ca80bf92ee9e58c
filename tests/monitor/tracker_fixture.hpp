#pragma once
// Builders shared by the tracker tests: snapshots as the NCP parser would produce them,
// times as minutes after a fixed instant, and short ways to run a tracker.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "monitor/cluster_state_json.hpp"
#include "monitor/tracker.hpp"

namespace sesmon::monitor::testing {

using namespace std::chrono_literals;

// 2025-03-24 17:00:00 +09:00.
// The stage most tests put a node in.
inline const std::string up = "Upgrade_OpenSearch";

inline const wall_time t0 = std::chrono::sys_days{std::chrono::year{2025} / 3 / 24} + 8h;
inline wall_time at(std::chrono::minutes m) {
    return t0 + m;
}
inline std::string api_date(wall_time t) {
    // "yyyy-MM-dd HH:mm:ss" at +09:00, as the API writes it.
    std::string s = common::format_rfc3339(t, 9h);  // 2025-03-24T17:00:00+09:00
    s[10] = ' ';
    return s.substr(0, 19);
}

class snap_builder {
  public:
    explicit snap_builder(std::string current = "2140", std::string target = "2150",
                          std::optional<wall_time> action = at(0min)) {
        version_info v;
        v.current_version = std::move(current);
        v.target_version = std::move(target);
        v.action_date_raw = action ? api_date(*action) : "";
        v.action_at = action;
        snap_.version = v;
        snap_.cluster_name = "prod-logs";
    }
    snap_builder& no_version() {
        snap_.version.reset();
        return *this;
    }
    snap_builder& node(std::string hostname, std::string status,
                       std::optional<wall_time> updated = std::nullopt, std::string role = "D") {
        node_observation n;
        n.hostname = std::move(hostname);
        n.role = std::move(role);
        n.status = std::move(status);
        n.updated_at = updated;
        n.updated_raw = updated ? api_date(*updated) : "";
        snap_.nodes.push_back(std::move(n));
        return *this;
    }
    snap_builder& count(int node_count) {
        count_ = node_count;
        return *this;
    }
    snapshot build() const {
        snapshot s = snap_;
        s.node_count = count_ ? *count_ : static_cast<int>(s.nodes.size());
        return s;
    }
    operator snapshot() const { return build(); }  // NOLINT: test convenience

  private:
    snapshot snap_;
    std::optional<int> count_;
};

// Three nodes a, b, c with the given statuses, in an upgrade 2140 → 2150 started at t0.
inline snapshot three(const std::string& a, const std::string& b, const std::string& c) {
    return snap_builder().node("a", a).node("b", b).node("c", c);
}
inline snapshot idle3() {
    return snap_builder("2150", "2150")
        .node("a", "running")
        .node("b", "running")
        .node("c", "running");
}

inline cluster_ref test_cluster() {
    return {"prod-logs", "1037001", "KR"};
}

inline tracker_options test_options() {
    tracker_options o;
    o.stall.node_stage_timeout = 45min;
    o.stall.no_progress_timeout = 60min;
    o.stall.blind_timeout = 10min;
    o.stall.adaptive_factor = 0;  // slower_than_peers has its own tests (tracker_adaptive_test)
    o.zone_offset = 9h;
    return o;
}

inline std::vector<event_type> types(const std::vector<event>& events) {
    std::vector<event_type> out;
    for (const event& e : events)
        out.push_back(e.type);
    return out;
}

// A tracker rebuilt from the JSON form of `t`'s state: what a restart sees.
inline tracker restarted(const tracker& t) {
    std::string error;
    auto parsed = cluster_state_from_json(to_json(t.state(), t.cluster().instance_no), error);
    if (!parsed)
        throw std::runtime_error("state did not round-trip: " + error);
    return tracker(t.cluster(), t.options(), parsed->state);
}

inline api_error auth_error() {
    api_error e;
    e.kind = api_error_kind::auth;
    e.http_status = 401;
    e.message =
        "authentication failed (gateway 401/200): check the access key, secret key and clock";
    return e;
}

}  // namespace sesmon::monitor::testing
