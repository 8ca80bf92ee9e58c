#pragma once
// Rendering of `ses-upgrade-monitor status` (SPEC §2): pure functions of the configured
// cluster, its poll result and the current time, so they are tested without a network.
#include <string>
#include <vector>

#include "sesmon/config.hpp"
#include "sesmon/progress_source.hpp"

namespace sesmon::cli {

struct cluster_status {
    cluster_config cluster;
    progress_result result;
};

// "[██████░░░░░░░░░░░░░░]": `width` cells, filled in proportion done/total (0 when total ≤ 0).
std::string progress_bar(int done, int total, int width = 24);

// One cluster as text: a title line, versions "2140 → 2150", nodes done/total with a progress
// bar, then one row per node (hostname, role, status, time in status). On error, the
// classified reason instead. `zone_offset` is the API's (for showing its dates).
std::string render_cluster_table(const cluster_status& status, wall_time now,
                                 std::chrono::seconds zone_offset);

// Every cluster as text, separated by blank lines.
std::string render_status_table(const std::vector<cluster_status>& statuses, wall_time now,
                                std::chrono::seconds zone_offset);

// Every cluster as one JSON document: {"generated_at": ..., "clusters": [...]}.
std::string render_status_json(const std::vector<cluster_status>& statuses, wall_time now,
                               std::chrono::seconds zone_offset);

}  // namespace sesmon::cli
