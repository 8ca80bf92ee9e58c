#pragma once
// status_view: `ses-upgrade-monitor status` (SPEC §2) expressed in the view model the HTTP API
// and the dashboard use (web/view_model.hpp), so the table (web::to_table) and the JSON
// (web::to_json, the /api/v1/clusters document) of the CLI say what the daemon would say.
// Pure functions of the configured cluster, its poll result and the current time.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/config.hpp"
#include "sesmon/progress_source.hpp"
#include "web/view_model.hpp"

namespace sesmon::cli {

struct cluster_status {
    cluster_config cluster;
    progress_result result;
};

// One cluster: web::from_snapshot for a successful poll, its stall judged by the daemon's
// rule (a tracker fed this one snapshot, issue 27); for a failed one, the cluster's identity
// with last_poll_at = now, last_poll_result = the error kind ("auth", ...), last_error = the
// classified message, as the daemon records a failed poll, and blind (it cannot be observed
// now).
// `api_offset` is the API's zone (for showing its dates).
web::cluster_view to_view(const cluster_status& status, wall_time now,
                          std::chrono::seconds api_offset);

// Every polled cluster as the /api/v1/clusters document's view: version, started_at = now =
// `now`, ready (the poll round was attempted), clusters in the given order.
web::daemon_view to_view(const std::vector<cluster_status>& statuses, wall_time now,
                         std::chrono::seconds api_offset);

// Time in status is measured against this host's clock, so a node whose updatedDate lies
// in its future shows none ("-"), and cannot be called stalled. When that is the case by
// more than a minute for any node (this host's clock behind the API's, or a simulator
// playing faster than real time or advanced by hand), the note that says so; otherwise
// nullopt.
std::optional<std::string> clock_note(const std::vector<cluster_status>& statuses, wall_time now);

}  // namespace sesmon::cli
