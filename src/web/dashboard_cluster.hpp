#pragma once
// dashboard_cluster: the dashboard's cluster view (`#cluster/<name>`, docs/dashboard.md) —
// the card of one cluster (versions, state badges, progress, expected finish, the timeline
// of its upgrade, one row per node, the last poll) and that cluster's history, from
// api/v1/clusters/{name} and api/v1/history?cluster=NAME. `#upgrade/<id>` shows the cluster
// of that upgrade with its timeline opened.
#include "web/dashboard_part.hpp"

namespace sesmon::web {

dashboard_part cluster_part();

}  // namespace sesmon::web
