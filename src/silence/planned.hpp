#pragma once
// planned: what maintenance windows (SPEC §14) add to a cluster's events — every event of a
// cluster some window applies to says whether it happened inside one
// (in_maintenance_window), and an upgrade that started outside all of them raises
// upgrade_unplanned, right after its upgrade_started (so once per upgrade: the tracker
// emits upgrade_started once). Its id is derived like every event's (instance_no, the
// upgrade's identity, the type), so a restart that emits it again emits the same id. Pure.
#include <vector>

#include "monitor/cluster_state.hpp"
#include "sesmon/event.hpp"
#include "sesmon/quiet.hpp"

namespace sesmon::silence {

// `identity`: the upgrade an upgrade_started in `events` is about (the tracker's current).
void mark_maintenance(std::vector<event>& events, const std::vector<maintenance_window>& windows,
                      const monitor::upgrade_identity& identity);

}  // namespace sesmon::silence
