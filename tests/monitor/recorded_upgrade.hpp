#pragma once
// recorded_upgrade: a rolling upgrade as a timeline — nodes one after another, each through
// its stages — that answers "what would the API have shown at time t" (statuses with their
// updatedDate), so tests can feed a tracker polls of a known upgrade.
#include <string>
#include <utility>
#include <vector>

#include "tracker_fixture.hpp"

namespace sesmon::monitor::testing {

struct planned_node {
    std::string hostname;
    std::string role;
    std::vector<std::pair<std::string, duration>> stages;  // Upgrade_* status, time in it
};

class recorded_upgrade {
  public:
    recorded_upgrade(std::vector<planned_node> nodes, wall_time start)
        : nodes_(std::move(nodes)), start_(start), next_poll_(start) {}

    // The response at `t`: nodes before their turn `running`, then their stages, then
    // `complete`; updatedDate is when the current status began.
    snapshot at(wall_time t) const {
        snap_builder b("2140", "2150", start_);
        wall_time begin = start_;
        for (const planned_node& n : nodes_) {
            std::string status = "running";
            wall_time since = start_ - 30min;
            wall_time cursor = begin;
            bool done = true;
            for (const auto& [stage, length] : n.stages) {
                if (t < cursor) {
                    done = false;
                    break;
                }
                status = stage;
                since = cursor;
                cursor += std::chrono::duration_cast<std::chrono::seconds>(length);
            }
            if (done && t >= cursor) {
                status = "complete";
                since = cursor;
            }
            b.node(n.hostname, status, since, n.role);
            begin = cursor;
        }
        return b;
    }

    wall_time finish() const {
        wall_time t = start_;
        for (const planned_node& n : nodes_) {
            for (const auto& stage : n.stages)
                t += std::chrono::duration_cast<std::chrono::seconds>(stage.second);
        }
        return t;
    }

    // Feeds `t` one poll every 30 s, from the start or where the last call stopped, up to
    // `until` (inclusive). One recorded_upgrade plays to one tracker.
    void play(tracker& t, wall_time until) {
        for (; next_poll_ <= until; next_poll_ += 30s)
            t.observe(at(next_poll_), next_poll_);
    }

  private:
    std::vector<planned_node> nodes_;
    wall_time start_;
    wall_time next_poll_;
};

// A node going through one Upgrade_OpenSearch stage of `length`, then Upgrade_Plugin of 1 min.
inline planned_node simple_node(std::string hostname, duration opensearch, std::string role = "D") {
    return {std::move(hostname),
            std::move(role),
            {{"Upgrade_OpenSearch", opensearch}, {"Upgrade_Plugin", 1min}}};
}

}  // namespace sesmon::monitor::testing
