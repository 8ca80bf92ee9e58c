#pragma once
// status_table: the `ses-upgrade-monitor status` table (SPEC §2) from the same view model
// as the HTTP API and the dashboard, so the three always agree. Plain ASCII apart from the
// version arrow; no colours (the output may be piped).
#include <string>
#include <vector>

#include "web/view_model.hpp"

namespace sesmon::web {

// Per cluster: a title line (name, instance, region), a line with the versions, a progress
// bar, "3/8 nodes" and the state words (upgrading, finished — also for every node complete
// on a version change, all a one-off `status` poll can know —, STALLED 47m (reason), FAILED,
// BLIND), the last poll error if any, then one row per node: hostname, role, status, time in
// status. A cluster with no version, no node and a failed last poll shows "no data" (and
// BLIND if so) instead of the versions and the bar. Clusters are separated by a blank line. Ends
// with a newline.
std::string to_table(const std::vector<cluster_view>& clusters);

}  // namespace sesmon::web
