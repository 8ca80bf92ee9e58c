#pragma once
// The `pagerduty` webhook bodies: PagerDuty Events API v2 (POST
// https://events.pagerduty.com/v2/enqueue), documented in docs/webhooks.md.
//
// Incidents, one dedup_key each: per upgrade, a `stall`, a `failure`, a `red` (cluster
// health) and a `recovery` incident; per cluster, a `blind` incident (blindness is the
// monitor's, and may happen with no upgrade at all). What each event does:
//   upgrade_stalled → trigger stall        stall_cleared     → resolve stall
//   upgrade_failed  → trigger failure      monitor_blind     → trigger blind
//   monitor_recovered → resolve blind
//   monitor_degraded → trigger degraded (one per HA group; a person resolves it)
//   cluster_health_red → trigger red       cluster_health_cleared → resolve red
//   recovery_stuck  → trigger recovery
//   upgrade_finished, upgrade_vanished → resolve stall, failure and recovery of that upgrade
//     (not red: a red cluster stays red after its upgrade until cluster_health_cleared)
//   upgrade_started, node_changed → nothing (not sent: the dispatcher filters them out)
// One event can therefore be several messages. The notifier sends them all in one attempt
// and counts it delivered only when every one was accepted; a retry sends them all again,
// which PagerDuty absorbs (it deduplicates by dedup_key; resolving a resolved or unknown
// incident is a no-op).
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/event.hpp"

namespace sesmon::notify {

enum class pagerduty_incident { stall, failure, blind, degraded, red, recovery };

struct pagerduty_step {
    std::string_view action;  // "trigger" | "resolve"
    pagerduty_incident incident;
    friend bool operator==(const pagerduty_step&, const pagerduty_step&) = default;
};

// The messages `type` turns into, in sending order; empty for types PagerDuty does not get.
std::vector<pagerduty_step> pagerduty_steps(sesmon::event_type type);

inline bool accepted_by_pagerduty(sesmon::event_type type) {
    return !pagerduty_steps(type).empty();
}

// "ses-upgrade-monitor/<instance_no>/<action_date>/<to_version>/stall" (or /failure, /red,
// /recovery) for an upgrade's incidents; "ses-upgrade-monitor/<instance_no>/blind" for the
// cluster's blindness.
std::string pagerduty_dedup_key(const sesmon::event& e, pagerduty_incident incident);

// The request bodies, one per step of pagerduty_steps(e.type), in that order.
std::vector<std::string> format_pagerduty(const sesmon::event& e, std::string_view routing_key);

}  // namespace sesmon::notify
