#include "notify/event_text.hpp"

namespace sesmon::notify {

std::string_view event_emoji(event_type type) {
    switch (type) {
        case event_type::upgrade_started:
            return ":rocket:";
        case event_type::node_changed:
            return ":arrows_counterclockwise:";
        case event_type::upgrade_finished:
            return ":white_check_mark:";
        case event_type::upgrade_failed:
            return ":x:";
        case event_type::upgrade_stalled:
            return ":warning:";
        case event_type::stall_cleared:
            return ":arrow_forward:";
        case event_type::upgrade_vanished:
            return ":grey_question:";
        case event_type::monitor_blind:
            return ":see_no_evil:";
        case event_type::monitor_recovered:
            return ":eyes:";
        case event_type::monitor_degraded:
            return ":rotating_light:";
        case event_type::upgrade_unplanned:
            return ":calendar:";
        case event_type::cluster_health_red:
            return ":red_circle:";
        case event_type::cluster_health_cleared:
            return ":large_yellow_circle:";
        case event_type::recovery_stuck:
            return ":hourglass:";
    }
    return ":bell:";
}

std::optional<duration> stuck_for(const event& e) {
    if (e.stall) {
        return std::chrono::seconds(e.stall->stalled_for_seconds);
    }
    // A node_changed event's status_since is the moment of the change itself: no duration.
    if (e.type != event_type::node_changed && e.node && e.node->status_since &&
        *e.node->status_since <= e.occurred_at) {
        return std::chrono::duration_cast<duration>(e.occurred_at - *e.node->status_since);
    }
    return std::nullopt;
}

std::string version_text(const event& e) {
    if (!e.upgrade) {
        return {};
    }
    const auto& from = e.upgrade->from_version;
    const auto& to = e.upgrade->to_version;
    if (from.empty() || to.empty() || from == to) {
        return from.empty() ? to : from;
    }
    return from + " \u2192 " + to;
}

std::string progress_text(const event& e) {
    if (!e.upgrade) {
        return {};
    }
    return std::to_string(e.upgrade->nodes_complete) + "/" + std::to_string(e.upgrade->nodes_total);
}

std::string cluster_view_text(const event& e) {
    if (!e.stall || !e.stall->cluster)
        return {};
    const cluster_insight& c = *e.stall->cluster;
    if (!c.current)
        return "unavailable: " + c.error;
    std::string text = c.health + "; shards " + std::to_string(c.shards.initializing) +
                       " initializing, " + std::to_string(c.shards.relocating) + " relocating, " +
                       std::to_string(c.shards.unassigned) + " unassigned";
    if (c.recoveries.count > 0) {
        text += "; " + std::to_string(c.recoveries.count) + " recoveries " +
                std::to_string(static_cast<int>(c.recoveries.percent_done)) + "% done";
    }
    if (c.node_in_cluster && e.node) {
        text += *c.node_in_cluster ? "; node on " + c.node_version : "; node not in _cat/nodes";
    }
    return text;
}

}  // namespace sesmon::notify
