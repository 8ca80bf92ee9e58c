#pragma once
// opensearch_play: what a simulated cluster's own OpenSearch endpoint shows at a virtual
// time, derived from the played upgrade (player.hpp) so that both tell one story. Pure.
//
// - Nodes not yet upgraded are in _cat/nodes at the old version, complete ones at the
//   target version (unless listed in absent_nodes); a node upgrading (restarting) or failed
//   is not there.
// - Data nodes (roles D, DO) hold `shards_per_node` shard copies each: unassigned while their
//   node is away; after it rejoins (its completion) they recover for `recovery`, as
//   initializing shards with active recoveries whose progress grows linearly.
// - Health: red in a `red` window (or by a runtime override), with one primary unassigned;
//   else yellow while any copy is unassigned or initializing; else green.
#include <optional>
#include <string>
#include <vector>

#include "sesmon/opensearch.hpp"
#include "sim/player.hpp"
#include "sim/scenario.hpp"

namespace sesmon::sim {

// Runtime changes (POST /_sim/opensearch), each overriding the scenario while set.
struct opensearch_overrides {
    std::optional<bool> red;
    std::optional<bool> unreachable;
    std::optional<wall_time> recovery_frozen_at;  // recoveries show their progress of then
    std::optional<opensearch_spec::snapshot_kind> snapshot;
    wall_time snapshot_at{};
};

struct opensearch_state {
    bool unreachable = false;
    cluster_reading reading;                // read_at = the virtual time
    std::optional<wall_time> snapshot_end;  // the latest successful snapshot; nullopt: none
};

opensearch_state play_opensearch(const cluster_spec& c, const opensearch_spec& os,
                                 const cluster_view& v, wall_time now,
                                 const opensearch_overrides& overrides);

}  // namespace sesmon::sim
