#pragma once
// eta: the expected finish of an upgrade in progress (SPEC §4, "ETA"). Pure.
//
//   expected_finish = now + Σ over the nodes not complete of their remaining time
//
// where a node's remaining time is the typical node time of its role, less the time it has
// already spent since it left `running` (never below 0), and nodes the API counts
// (nodeCount) but does not list yet count as nodes not started. The typical node time is,
// in this order: the median of this upgrade's complete nodes (per role where a role has two
// of them, docs/events.md), else the median of this cluster's past upgrades (`history`, by
// the same rule), else `prior` (eta.node_prior). Nodes upgrade one after another, so the
// remaining times add up.
#include <optional>

#include "monitor/cluster_state.hpp"
#include "monitor/node_times.hpp"
#include "sesmon/time.hpp"

namespace sesmon::monitor {

struct eta_basis {
    node_time_medians history;  // this cluster's past upgrades (state.db), maybe empty
    duration prior = std::chrono::minutes(12);
    friend bool operator==(const eta_basis&, const eta_basis&) = default;
};

// nullopt unless `u` is in progress.
std::optional<wall_time> expected_finish(const upgrade_record& u, wall_time now,
                                         const eta_basis& basis);

}  // namespace sesmon::monitor
