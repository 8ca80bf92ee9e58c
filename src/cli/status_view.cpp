#include "cli/status_view.hpp"

#include "sesmon/version.hpp"

namespace sesmon::cli {

web::cluster_view to_view(const cluster_status& status, wall_time now,
                          std::chrono::seconds api_offset) {
    if (status.result)
        return web::from_snapshot(status.cluster, *status.result, now, api_offset);
    web::cluster_view view;
    view.name = status.cluster.name;
    view.instance_no = status.cluster.instance_no;
    view.region = status.cluster.region;
    view.last_poll_at = now;
    view.last_poll_result = std::string(to_string(status.result.error().kind));
    view.last_error = status.result.error().message;
    return view;
}

web::daemon_view to_view(const std::vector<cluster_status>& statuses, wall_time now,
                         std::chrono::seconds api_offset) {
    web::daemon_view view;
    view.version = sesmon::version;
    view.started_at = now;
    view.now = now;
    view.ready = true;
    view.clusters.reserve(statuses.size());
    for (const auto& s : statuses)
        view.clusters.push_back(to_view(s, now, api_offset));
    return view;
}

}  // namespace sesmon::cli
