#pragma once
// The `pagerduty` webhook body: PagerDuty Events API v2 (POST
// https://events.pagerduty.com/v2/enqueue). upgrade_stalled, upgrade_failed, monitor_blind →
// "trigger"; stall_cleared, upgrade_finished, monitor_recovered → "resolve". Other event types are
// not sent to PagerDuty at all (accepted_by_pagerduty is false; the dispatcher filters them out).
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/event.hpp"

namespace sesmon::notify {

// "trigger", "resolve", or nullopt for types PagerDuty does not get.
std::optional<std::string_view> pagerduty_action(sesmon::event_type type);

inline bool accepted_by_pagerduty(sesmon::event_type type) {
    return pagerduty_action(type).has_value();
}

// Groups trigger and resolve into one incident: per cluster and upgrade
// ("ses-upgrade-monitor/<instance_no>/<action_date>/<to_version>"), and per cluster for
// blindness ("ses-upgrade-monitor/<instance_no>/blind").
std::string pagerduty_dedup_key(const sesmon::event& e);

// The request body; precondition: accepted_by_pagerduty(e.type).
std::string format_pagerduty(const sesmon::event& e, std::string_view routing_key);

}  // namespace sesmon::notify
