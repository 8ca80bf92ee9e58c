#pragma once
// node_times: what the nodes that already completed say about the others (SPEC §4) — the
// typical node time behind the ETA, and the median stage time behind the slower_than_peers
// stall. Pure; used by the tracker and by the history reads (past upgrades' node times).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/cluster_state.hpp"
#include "sesmon/time.hpp"

namespace sesmon::monitor {

// One node's time: from leaving `running` (its first Upgrade_* status) to `complete`.
struct node_sample {
    std::string role;
    duration time{};
};

// The median of non-empty `values` (the mean of the middle two for an even count).
duration median(std::vector<duration> values);

// Medians of node times: over all samples, and per role for roles with two or more.
struct node_time_medians {
    std::optional<duration> overall;
    std::map<std::string, duration> by_role;

    bool empty() const { return !overall; }
    // A node of `role`: its role's median where the role has two samples, else the overall.
    std::optional<duration> typical(const std::string& role) const;
    friend bool operator==(const node_time_medians&, const node_time_medians&) = default;
};

node_time_medians medians_of(const std::vector<node_sample>& samples);

// This upgrade's samples: listed complete nodes whose start was seen (upgrading_since).
std::vector<node_sample> completed_node_times(const upgrade_record& u);

// What the slower_than_peers rule compares a node in `status` with: the median time the
// complete nodes spent in that status, when two or more of them passed through it; else the
// median of their whole node times, when two or more are known (a stage the peers were never
// seen in — polls too far apart — is at most their whole time). nullopt otherwise.
std::optional<duration> peer_stage_median(const upgrade_record& u, std::string_view status);

}  // namespace sesmon::monitor
