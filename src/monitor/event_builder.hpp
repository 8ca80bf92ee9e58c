#pragma once
// The parts of an event that come straight from the tracker's records (internal to the
// monitor module).
#include <chrono>

#include "monitor/cluster_state.hpp"
#include "sesmon/event.hpp"

namespace sesmon::monitor {

// from/to, actionDate (RFC 3339 at `zone_offset` when it parses, else verbatim), node
// totals (nodes_total = max(nodeCount, listed nodes)), started/finished times.
upgrade_info make_upgrade_info(const upgrade_record& u, std::chrono::seconds zone_offset);

node_info make_node_info(const node_record& n);

// Listed nodes only (those still in the API's list).
int listed_node_count(const upgrade_record& u);

}  // namespace sesmon::monitor
