#include "sesmon/event.hpp"

#include <algorithm>

namespace sesmon {

std::string_view to_string(event_type type) {
    switch (type) {
        case event_type::upgrade_started:
            return "upgrade_started";
        case event_type::node_changed:
            return "node_changed";
        case event_type::upgrade_finished:
            return "upgrade_finished";
        case event_type::upgrade_failed:
            return "upgrade_failed";
        case event_type::upgrade_stalled:
            return "upgrade_stalled";
        case event_type::stall_cleared:
            return "stall_cleared";
        case event_type::upgrade_vanished:
            return "upgrade_vanished";
        case event_type::monitor_blind:
            return "monitor_blind";
        case event_type::monitor_recovered:
            return "monitor_recovered";
        case event_type::monitor_degraded:
            return "monitor_degraded";
        case event_type::upgrade_unplanned:
            return "upgrade_unplanned";
        case event_type::cluster_health_red:
            return "cluster_health_red";
        case event_type::cluster_health_cleared:
            return "cluster_health_cleared";
        case event_type::recovery_stuck:
            return "recovery_stuck";
    }
    return "unknown";
}

std::optional<event_type> parse_event_type(std::string_view name) {
    for (const event_type type : all_event_types) {
        if (to_string(type) == name) {
            return type;
        }
    }
    return std::nullopt;
}

std::string_view to_string(severity s) {
    switch (s) {
        case severity::info:
            return "info";
        case severity::warning:
            return "warning";
        case severity::critical:
            return "critical";
    }
    return "info";
}

std::optional<severity> parse_severity(std::string_view name) {
    for (const severity s : all_severities) {
        if (to_string(s) == name)
            return s;
    }
    return std::nullopt;
}

namespace {

severity severity_of_type(event_type type, bool slower_than_peers) {
    switch (type) {
        case event_type::upgrade_failed:
        case event_type::monitor_blind:
        case event_type::monitor_degraded:
        case event_type::cluster_health_red:
            return severity::critical;
        case event_type::upgrade_stalled:
            return slower_than_peers ? severity::warning : severity::critical;
        case event_type::upgrade_unplanned:
        case event_type::upgrade_vanished:
        case event_type::recovery_stuck:
            return severity::warning;
        case event_type::upgrade_started:
        case event_type::node_changed:
        case event_type::upgrade_finished:
        case event_type::stall_cleared:
        case event_type::monitor_recovered:
        case event_type::cluster_health_cleared:
            return severity::info;
    }
    return severity::info;
}

}  // namespace

severity severity_of(const event& e) {
    if (!e.digest.empty()) {
        severity highest = severity::info;
        for (const digest_entry& member : e.digest)
            highest = std::max(highest, severity_of_type(member.type, false));
        return highest;
    }
    return severity_of_type(e.type, e.stall && e.stall->reason == "slower_than_peers");
}

}  // namespace sesmon
