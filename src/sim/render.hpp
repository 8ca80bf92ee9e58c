#pragma once
// render: JSON text of what the API answers for a played cluster (the `result` objects) and
// of the simulator's own /_sim/state.
#include <string>
#include <vector>

#include "sim/player.hpp"
#include "sim/scenario.hpp"

namespace sesmon::sim {

// getRollingUpgradeProgress `result` for a view that shows an upgrade, or for the idle
// variants empty_list / missing_list / null_version.
std::string render_progress_result(const cluster_spec& c, const cluster_view& v);

// getClusterInfo `result`.
std::string render_cluster_info(const cluster_spec& c, const cluster_view& v);

// getClusterInfoList `result` for one page of `clusters` (already played).
struct list_entry {
    const cluster_spec* spec;
    cluster_view view;
};
std::string render_cluster_list(const std::vector<list_entry>& page, std::size_t total,
                                std::size_t page_no, std::size_t page_size);

// /_sim/state: virtual time and every node of every cluster.
std::string render_state(const scenario& s, wall_time now, double time_scale);

}  // namespace sesmon::sim
