#pragma once
// summary: the one human line of an event (event::summary), e.g.
//   "prod-logs: node prod-logs-do-6tnm stuck in Upgrade_OpenSearch for 47m (2140 → 2150, 3/8 nodes
//   done)"
// Built only from the event's own fields, plus `span` where the event has no field for
// its duration (monitor_blind: time without a successful poll; monitor_recovered: how
// long the cluster was unobservable). Pure.
#include <string>

#include "sesmon/event.hpp"
#include "sesmon/time.hpp"

namespace sesmon::monitor {

// Events that carry the OpenSearch view (stall.cluster) end with "; " + describe_insight().
std::string summarize(const event& e, duration span = {});

// The progress line every upgrade event's summary ends with: " (2140 → 2150, 3/8 nodes
// done)", or "" when the event carries no upgrade.
std::string progress_suffix(const event& e);

// The view in words: "OpenSearch yellow, shards 2 initializing, 0 relocating, 5 unassigned,
// 3 recoveries 41% done, <node> not in _cat/nodes", or why it is unavailable. `node` is the
// event's node ("" for none).
std::string describe_insight(const cluster_insight& c, const std::string& node);

}  // namespace sesmon::monitor
