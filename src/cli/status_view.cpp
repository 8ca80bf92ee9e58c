#include "cli/status_view.hpp"

#include "common/time_format.hpp"
#include "monitor/tracker.hpp"
#include "sesmon/version.hpp"

namespace sesmon::cli {

namespace {

// The daemon's stall rule on what one poll shows (issue 27): a fresh tracker observes the
// snapshot — node times from their updatedDate — and says whether it would be stalled now.
void judge_stall(web::cluster_view& view, const cluster_config& c, const snapshot& snap,
                 wall_time now, std::chrono::seconds api_offset) {
    monitor::tracker tracker({c.name, c.instance_no, c.region, c.labels},
                             {.stall = c.stall, .zone_offset = api_offset});
    tracker.observe(snap, now);
    const auto& upgrade = tracker.state().upgrade;
    if (!view.upgrade_in_progress || !upgrade || !upgrade->stall.open)
        return;
    view.stalled = true;
    view.stall_reason = upgrade->stall.reason;
    view.stall_node = upgrade->stall.hostname;
    view.stalled_for_seconds =
        upgrade->stall.since < now ? (now - upgrade->stall.since).count() : 0;
}

}  // namespace

web::cluster_view to_view(const cluster_status& status, wall_time now,
                          std::chrono::seconds api_offset) {
    if (status.result) {
        auto view = web::from_snapshot(status.cluster, *status.result, now, api_offset);
        judge_stall(view, status.cluster, *status.result, now, api_offset);
        return view;
    }
    web::cluster_view view;
    view.name = status.cluster.name;
    view.instance_no = status.cluster.instance_no;
    view.region = status.cluster.region;
    view.discovered = status.cluster.discovered;
    view.labels = status.cluster.labels;
    // It cannot be observed now: for a one-off poll that is blindness (docs/http-api.md).
    view.blind = true;
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

std::optional<std::string> clock_note(const std::vector<cluster_status>& statuses, wall_time now) {
    constexpr auto tolerance = std::chrono::minutes(1);
    duration ahead{0};
    for (const auto& s : statuses) {
        if (!s.result)
            continue;
        for (const auto& n : s.result->nodes) {
            if (n.updated_at && *n.updated_at - now > ahead)
                ahead = *n.updated_at - now;
        }
    }
    if (ahead <= tolerance)
        return std::nullopt;
    return "note: nodes' updatedDate is up to " +
           common::format_duration(std::chrono::duration_cast<std::chrono::seconds>(ahead)) +
           " ahead of this host's clock (a clock out of sync, or a simulator faster than real "
           "time): no time in status, and no stall, is shown for such nodes";
}

}  // namespace sesmon::cli
