#pragma once
// dashboard_fleet: the dashboard's fleet view (SPEC §13, docs/dashboard.md) — the counts by
// state (each a filter), the search box and label filters, all in the address
// (`#state=stalled&label=team:search&q=logs`, shareable), and the attention-first list of
// clusters, 50 to a page (failed, stalled, blind, then upgrading by expected finish; the
// finished and idle ones collapsed below). It fetches api/v1/summary (through the core
// script) and one page of api/v1/clusters at a time, nothing else.
#include "web/dashboard_part.hpp"

namespace sesmon::web {

dashboard_part fleet_part();

}  // namespace sesmon::web
