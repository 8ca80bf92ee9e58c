#pragma once
// history_json: the documents of GET /api/v1/history and GET /api/v1/upgrades/{id}
// (docs/http-api.md), also printed by `ses-upgrade-monitor history --format json`. Pure:
// history records in, compact JSON out. Times RFC 3339 UTC; durations whole seconds,
// computed against `now` for what is still going on.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/time.hpp"
#include "state/history_reads.hpp"

namespace sesmon::web {

// The expected finish of an upgrade in progress (asked for those only). May be empty.
using eta_lookup = std::function<std::optional<wall_time>(const state::upgrade_summary&)>;

// {"now", "upgrades": [{"id", "cluster", "instance_no", "from_version", "to_version",
//   "action_date", "started_at", "finished_at", "ended_at", "outcome", "duration_seconds",
//   "nodes": {"total", "complete"}, "expected_finish"}]}
std::string history_json(const std::vector<state::upgrade_summary>& upgrades, wall_time now,
                         const eta_lookup& eta = nullptr);

// {"now", "upgrade": {... as one element above}, "nodes": [{"hostname", "role",
//   "statuses": [{"status", "phase", "started_at", "ended_at", "seconds"}]}]}
// An open status (ended_at null) lasts until the upgrade's end (ended_at) or `now`.
std::string timeline_json(const state::upgrade_timeline& timeline, wall_time now,
                          std::optional<wall_time> expected_finish = std::nullopt);

}  // namespace sesmon::web
