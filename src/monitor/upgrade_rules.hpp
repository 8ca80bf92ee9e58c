#pragma once
// upgrade_rules: the small judgements of SPEC §4 that the tracker applies to snapshots and
// records (internal to the monitor module). Pure.
#include <optional>
#include <string_view>

#include "common/text.hpp"
#include "monitor/cluster_state.hpp"
#include "sesmon/snapshot.hpp"
#include "sesmon/time.hpp"

namespace sesmon::monitor {

// Statuses compare case-insensitively (SPEC §4), with the project's one comparison.
using common::iequals;

// upgrading, complete or failed (unknown words do not count as progress on their own).
bool past_pending(node_phase phase);

// The response shows an upgrade: target ≠ current, or any node past pending.
bool shows_upgrade(const snapshot& snap);

// (actionDate, targetVersionCode) as received; both "" without a versionVo.
upgrade_identity identity_of(const snapshot& snap);

// A date from the API counts only when it parsed and is not in the future.
std::optional<wall_time> usable(const std::optional<wall_time>& t, wall_time now);

// When a status first seen at `now` began: the node's updatedDate when usable, else now.
// `not_before` is when we last saw the node in its previous status: an updatedDate older
// than that is stale (it cannot date a change we had not yet seen), so it is ignored.
wall_time status_since(const node_observation& obs, wall_time now,
                       std::optional<wall_time> not_before);

// Durations of 0 (or less) switch a timeout off.
bool enabled(duration d);

// Every listed node complete, and at least nodeCount of them listed.
bool is_done(const upgrade_record& u);

// When the last listed node entered its status, within [started_at, now].
wall_time done_time(const upgrade_record& u, wall_time now);

int count_complete(const upgrade_record& u);

// A node's time bookkeeping when it is first seen in its status (at `since`): upgrading
// nodes count as upgrading since then.
void note_first_status(node_record& n);
// ... and when it changes from its current status to `next`, which began at `at`: the
// Upgrade_* status it leaves joins `stages`; leaving `running` sets upgrading_since (to
// `at`, or — when it skipped every Upgrade_* status between two polls — to when it was
// last seen pending, the latest time it can have started).
void note_status_change(node_record& n, std::string_view next, wall_time at);

}  // namespace sesmon::monitor
