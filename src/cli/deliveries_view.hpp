#pragma once
// deliveries_view: how `ses-upgrade-monitor deliveries` shows outbox rows (SPEC §2) — a
// table for people, JSON for scripts. Pure: rows in, text out.
#include <string>
#include <vector>

#include "state/records.hpp"

namespace sesmon::cli {

// NOTIFIER STATUS CLUSTER EVENT NODE ATTEMPTS NEXT ATTEMPT LAST ERROR OCCURRED, one row per
// delivery; "no deliveries" when there are none.
std::string deliveries_table(const std::vector<state::delivery_record>& rows);

// {"deliveries": [{"notifier", "status", "attempts", "next_attempt", "last_error",
//   "updated_at", "event": {"id", "type", "cluster", "instance_no", "node", "status",
//   "occurred_at", "summary"}}]} — times RFC 3339 UTC or null.
std::string deliveries_json(const std::vector<state::delivery_record>& rows);

}  // namespace sesmon::cli
