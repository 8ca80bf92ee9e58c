#include "sesmon/event.hpp"

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

}  // namespace sesmon
