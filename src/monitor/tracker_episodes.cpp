// tracker's episodes: stalls (upgrade_stalled / stall_cleared) and blindness
// (monitor_blind; monitor_recovered is in note_success). See docs/events.md.
#include <algorithm>

#include "monitor/event_builder.hpp"
#include "monitor/tracker.hpp"
#include "monitor/upgrade_rules.hpp"

namespace sesmon::monitor {

void tracker::evaluate_stall(wall_time now, bool may_clear, std::vector<event>& out) {
    upgrade_record& rec = *state_.upgrade;
    const stall_config& cfg = options_.stall;

    // The node longest in one Upgrade_* stage beyond node_stage_timeout, if any.
    const node_record* stuck = nullptr;
    if (enabled(cfg.node_stage_timeout)) {
        for (const node_record& n : rec.nodes) {
            if (!n.listed || classify_status(n.status) != node_phase::upgrading)
                continue;
            if (now - n.since < cfg.node_stage_timeout)
                continue;
            if (!stuck || n.since < stuck->since)
                stuck = &n;
        }
    }
    const bool no_progress =
        enabled(cfg.no_progress_timeout) && now - rec.last_change >= cfg.no_progress_timeout;

    stall_episode& stall = rec.stall;
    if (stall.open) {
        if (may_clear && !stuck && !no_progress)
            close_stall(now, out);
        return;
    }
    if (!stuck && !no_progress)
        return;

    stall.open = true;
    ++stall.number;
    stall.detected_at = now;
    if (stuck) {
        stall.reason = "node_stage_timeout";
        stall.hostname = stuck->hostname;
        stall.status = stuck->status;
        stall.since = stuck->since;
    } else {
        stall.reason = "no_progress_timeout";
        stall.hostname.clear();
        stall.status.clear();
        stall.since = rec.last_change;
    }
    dirty_ = true;

    event e = base_event(event_type::upgrade_stalled, now);
    e.stall =
        stall_info{.reason = stall.reason, .stalled_for_seconds = (now - stall.since).count()};
    if (stuck)
        e.node = make_node_info(*stuck);
    emit_upgrade_event(out, std::move(e), {}, {}, stall.number);
}

void tracker::close_stall(wall_time now, std::vector<event>& out) {
    upgrade_record& rec = *state_.upgrade;
    stall_episode& stall = rec.stall;
    if (!stall.open)
        return;
    stall.open = false;
    dirty_ = true;

    event e = base_event(event_type::stall_cleared, now);
    e.stall =
        stall_info{.reason = stall.reason, .stalled_for_seconds = (now - stall.since).count()};
    const auto node = std::find_if(rec.nodes.begin(), rec.nodes.end(), [&](const node_record& n) {
        return !stall.hostname.empty() && n.hostname == stall.hostname;
    });
    if (node != rec.nodes.end())
        e.node = make_node_info(*node);
    emit_upgrade_event(out, std::move(e), {}, {}, stall.number);
}

std::optional<wall_time> tracker::next_deadline() const {
    std::optional<wall_time> next;
    const auto consider = [&](wall_time t) {
        if (!next || t < *next)
            next = t;
    };
    const blind_episode& blind = state_.blind;
    if (blind.first_failure) {
        // tick() then only looks at blindness (check_blind's rule).
        if (!blind.open && enabled(options_.stall.blind_timeout)) {
            consider(session_success_.value_or(*blind.first_failure) +
                     std::chrono::ceil<std::chrono::seconds>(options_.stall.blind_timeout));
        }
        return next;
    }
    if (!upgrade_in_progress() || state_.upgrade->absent_polls != 0 || state_.upgrade->stall.open)
        return next;
    const upgrade_record& rec = *state_.upgrade;
    const stall_config& cfg = options_.stall;
    if (enabled(cfg.node_stage_timeout)) {
        const auto timeout = std::chrono::ceil<std::chrono::seconds>(cfg.node_stage_timeout);
        for (const node_record& n : rec.nodes) {
            if (n.listed && classify_status(n.status) == node_phase::upgrading)
                consider(n.since + timeout);
        }
    }
    if (enabled(cfg.no_progress_timeout))
        consider(rec.last_change +
                 std::chrono::ceil<std::chrono::seconds>(cfg.no_progress_timeout));
    return next;
}

void tracker::check_blind(wall_time now, std::vector<event>& out) {
    blind_episode& blind = state_.blind;
    if (blind.open || !blind.first_failure || !enabled(options_.stall.blind_timeout))
        return;
    // Unobserved since our last success; after a restart, since the first failure (the
    // daemon's own downtime is not the cluster's blindness).
    const wall_time since = session_success_.value_or(*blind.first_failure);
    if (now - since < options_.stall.blind_timeout)
        return;

    blind.open = true;
    ++blind.number;
    blind.opened_at = now;
    dirty_ = true;

    event e = base_event(event_type::monitor_blind, now);
    if (!upgrade_in_progress())
        e.upgrade.reset();
    e.error = blind.last_error;
    emit(out, std::move(e), blind_key(event_type::monitor_blind), now - since);
}

}  // namespace sesmon::monitor
