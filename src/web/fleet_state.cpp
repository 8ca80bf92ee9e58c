#include "web/fleet_state.hpp"

#include "web/view_model.hpp"

namespace sesmon::web {

std::string_view to_string(fleet_state state) {
    switch (state) {
        case fleet_state::failed:
            return "failed";
        case fleet_state::stalled:
            return "stalled";
        case fleet_state::blind:
            return "blind";
        case fleet_state::upgrading:
            return "upgrading";
        case fleet_state::finished:
            return "finished";
        case fleet_state::idle:
            return "idle";
    }
    return "idle";
}

std::optional<fleet_state> parse_fleet_state(std::string_view name) {
    for (const fleet_state s : all_fleet_states) {
        if (to_string(s) == name)
            return s;
    }
    return std::nullopt;
}

fleet_state state_of(const state_facts& f, wall_time now) {
    if (f.failed)
        return fleet_state::failed;
    if (f.stalled)
        return fleet_state::stalled;
    if (f.blind)
        return fleet_state::blind;
    if (f.upgrading)
        return fleet_state::upgrading;
    if (f.finished_at && now - *f.finished_at < finished_window)
        return fleet_state::finished;
    return fleet_state::idle;
}

fleet_state state_of(const cluster_view& c, wall_time now) {
    state_facts f{c.failed, c.stalled, c.blind, c.upgrade_in_progress, c.finished_at};
    const bool version_changed =
        !c.from_version.empty() && !c.to_version.empty() && c.from_version != c.to_version;
    // Only a one-off poll lacks started_at too; the daemon's views carry both times.
    if (!f.finished_at && !c.started_at && !c.upgrade_in_progress && version_changed &&
        c.nodes_total > 0 && c.nodes_complete >= c.nodes_total) {
        for (const node_view& n : c.nodes) {
            if (n.status_since && (!f.finished_at || *n.status_since > *f.finished_at))
                f.finished_at = n.status_since;
        }
    }
    return state_of(f, now);
}

}  // namespace sesmon::web
