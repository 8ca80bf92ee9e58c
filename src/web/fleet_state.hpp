#pragma once
// fleet_state: the one word that says where a cluster stands (SPEC §13), in attention order —
// what the summary counts, the `state=` filter selects, the attention sort ranks, the
// dashboard colours and `status` lists first. One precedence everywhere: a cluster that is
// failed and blind is `failed`.
//
//   failed     some node's status is a failure word (SPEC §4)
//   stalled    a stall episode is open
//   blind      no successful poll for blind_timeout
//   upgrading  an upgrade is in progress
//   finished   the last upgrade finished less than 24 h ago
//   idle       anything else (no upgrade seen, or finished long ago)
#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include "sesmon/time.hpp"

namespace sesmon::web {

struct cluster_view;

enum class fleet_state { failed, stalled, blind, upgrading, finished, idle };

inline constexpr std::array<fleet_state, 6> all_fleet_states{
    fleet_state::failed,    fleet_state::stalled,  fleet_state::blind,
    fleet_state::upgrading, fleet_state::finished, fleet_state::idle};
inline constexpr std::size_t fleet_state_count = all_fleet_states.size();

// How long a finished upgrade counts as `finished` before the cluster is `idle` again.
inline constexpr std::chrono::hours finished_window{24};

std::string_view to_string(fleet_state state);
std::optional<fleet_state> parse_fleet_state(std::string_view name);

// failed, stalled, blind and upgrading: what `status` shows by default.
inline bool needs_attention(fleet_state s) {
    return s != fleet_state::finished && s != fleet_state::idle;
}

// The flags of a cluster, before the finished window is applied.
struct state_facts {
    bool failed = false;
    bool stalled = false;
    bool blind = false;
    bool upgrading = false;
    std::optional<wall_time> finished_at;  // when its last upgrade finished, if it did
};

fleet_state state_of(const state_facts& facts, wall_time now);
// A cluster view's state at `now`. A one-off poll by `status` has no started_at/finished_at:
// there an upgrade whose nodes are all complete on a version change counts as finished when
// its last node's status began within the window.
fleet_state state_of(const cluster_view& view, wall_time now);

}  // namespace sesmon::web
