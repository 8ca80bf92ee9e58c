#include "monitor/upgrade_rules.hpp"

#include <algorithm>
#include <cctype>

#include "monitor/event_builder.hpp"

namespace sesmon::monitor {

bool past_pending(node_phase phase) {
    return phase == node_phase::upgrading || phase == node_phase::complete ||
           phase == node_phase::failed;
}

bool shows_upgrade(const snapshot& snap) {
    if (snap.version && snap.version->target_version != snap.version->current_version) {
        return true;
    }
    return std::any_of(snap.nodes.begin(), snap.nodes.end(), [](const node_observation& n) {
        return past_pending(classify_status(n.status));
    });
}

upgrade_identity identity_of(const snapshot& snap) {
    if (!snap.version)
        return {};
    return {snap.version->action_date_raw, snap.version->target_version};
}

// A date from the API counts only when it parsed and is not in the future.
std::optional<wall_time> usable(const std::optional<wall_time>& t, wall_time now) {
    if (t && *t <= now)
        return t;
    return std::nullopt;
}

// When a status first seen at `now` began: the node's updatedDate when usable, else now.
// `not_before` is when we last saw the node in its previous status: an updatedDate older
// than that is stale (it cannot date a change we had not yet seen), so it is ignored.
wall_time status_since(const node_observation& obs, wall_time now,
                       std::optional<wall_time> not_before) {
    const auto updated = usable(obs.updated_at, now);
    if (!updated || (not_before && *updated < *not_before))
        return now;
    return *updated;
}

bool enabled(duration d) {
    return d.count() > 0;
}

// Every listed node complete, and at least nodeCount of them (see docs/events.md).
bool is_done(const upgrade_record& u) {
    const int listed = listed_node_count(u);
    return listed > 0 && listed >= u.node_count &&
           std::all_of(u.nodes.begin(), u.nodes.end(), [](const node_record& n) {
               return !n.listed || classify_status(n.status) == node_phase::complete;
           });
}

// When the last listed node completed, within [started_at, now].
wall_time done_time(const upgrade_record& u, wall_time now) {
    wall_time t = u.started_at;
    for (const node_record& n : u.nodes) {
        if (n.listed)
            t = std::max(t, n.since);
    }
    return std::min(t, now);
}

int count_complete(const upgrade_record& u) {
    return static_cast<int>(std::count_if(u.nodes.begin(), u.nodes.end(), [](const node_record& n) {
        return n.listed && classify_status(n.status) == node_phase::complete;
    }));
}

void note_first_status(node_record& n) {
    if (!n.upgrading_since && classify_status(n.status) == node_phase::upgrading)
        n.upgrading_since = n.since;
}

void note_status_change(node_record& n, std::string_view next, wall_time at) {
    const node_phase from = classify_status(n.status);
    const node_phase to = classify_status(next);
    if (from == node_phase::upgrading) {
        n.stages.push_back({n.status, std::max(at - n.since, std::chrono::seconds(0))});
        if (n.stages.size() > max_stage_times)
            n.stages.erase(n.stages.begin());
    }
    if (!n.upgrading_since && from == node_phase::pending && past_pending(to))
        n.upgrading_since = to == node_phase::upgrading ? at : std::min(n.last_seen, at);
}

}  // namespace sesmon::monitor
