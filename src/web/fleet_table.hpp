#pragma once
// fleet_table: `ses-upgrade-monitor status` for a fleet (SPEC §2, round 3) — one summary line
// of counts by state, then one row per cluster (state, versions, nodes, labels and what an
// operator needs to know next: the stuck node, the failed node, the blind cluster's error, the
// expected finish). The per-node detail of one cluster stays web::to_table (`--cluster`).
#include <string>
#include <vector>

#include "sesmon/time.hpp"
#include "web/fleet_index.hpp"
#include "web/view_model.hpp"

namespace sesmon::web {

// Counts of `clusters` by their state at `now`.
fleet_counts count_states(const std::vector<cluster_view>& clusters, wall_time now);

// The attention order of the fleet API (fleet_query.hpp, sort=attention) for views: by state,
// then stalled the longest first, blind the longest without success first, upgrading by
// expected finish, finished the most recent first; then by name.
void sort_by_attention(std::vector<const cluster_view*>& clusters, wall_time now);

// "12 clusters: 1 failed, 2 stalled, 0 blind, 5 upgrading, 1 finished (24 h), 3 idle"
std::string summary_line(const fleet_counts& counts);

// The rows (header first), in the order given; "" when `clusters` is empty.
std::string fleet_table(const std::vector<const cluster_view*>& clusters, wall_time now);

}  // namespace sesmon::web
