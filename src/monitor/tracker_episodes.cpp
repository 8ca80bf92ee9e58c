// tracker's episodes: stalls (upgrade_stalled / stall_cleared) and blindness
// (monitor_blind; monitor_recovered is in note_success). See docs/events.md.
#include <algorithm>
#include <cmath>

#include "monitor/event_builder.hpp"
#include "monitor/node_times.hpp"
#include "monitor/tracker.hpp"
#include "monitor/upgrade_rules.hpp"

namespace sesmon::monitor {

std::optional<tracker::peer_rule> tracker::slow_rule(const node_record& n) const {
    const stall_config& cfg = options_.stall;
    if (cfg.adaptive_factor <= 0)
        return std::nullopt;
    const auto median = peer_stage_median(*state_.upgrade, n.status);
    if (!median)
        return std::nullopt;
    const auto scaled = duration(
        static_cast<duration::rep>(std::ceil(cfg.adaptive_factor * double(median->count()))));
    return peer_rule{std::chrono::ceil<std::chrono::seconds>(std::max(scaled, cfg.adaptive_min)),
                     *median};
}

void tracker::evaluate_stall(wall_time now, bool may_clear, std::vector<event>& out) {
    upgrade_record& rec = *state_.upgrade;
    const stall_config& cfg = options_.stall;

    // Of the upgrading nodes, the one longest in its stage beyond node_stage_timeout (stuck)
    // and the one longest beyond its slower_than_peers threshold (slow), if any.
    const node_record* stuck = nullptr;
    const node_record* slow = nullptr;
    duration slow_median{};
    for (const node_record& n : rec.nodes) {
        if (!n.listed || classify_status(n.status) != node_phase::upgrading)
            continue;
        const auto in_stage = now - n.since;
        if (enabled(cfg.node_stage_timeout) && in_stage >= cfg.node_stage_timeout &&
            (!stuck || n.since < stuck->since))
            stuck = &n;
        if (const auto rule = slow_rule(n);
            rule && in_stage >= rule->threshold && (!slow || n.since < slow->since)) {
            slow = &n;
            slow_median = rule->peer_median;
        }
    }
    const bool no_progress =
        enabled(cfg.no_progress_timeout) && now - rec.last_change >= cfg.no_progress_timeout;

    stall_episode& stall = rec.stall;
    if (stall.open) {
        // A slower_than_peers episode lasts while its node stays in that status: peers
        // completing meanwhile (a moving median) neither end it nor start it again.
        const bool slow_node_stays =
            stall.reason == "slower_than_peers" &&
            std::any_of(rec.nodes.begin(), rec.nodes.end(), [&](const node_record& n) {
                return n.listed && n.hostname == stall.hostname && iequals(n.status, stall.status);
            });
        if (may_clear && !stuck && !slow && !no_progress && !slow_node_stays)
            close_stall(now, out);
        return;
    }
    const node_record* node = stuck ? stuck : slow;
    if (!node && !no_progress)
        return;

    stall.open = true;
    ++stall.number;
    stall.detected_at = now;
    if (node) {
        stall.reason = stuck ? "node_stage_timeout" : "slower_than_peers";
        stall.hostname = node->hostname;
        stall.status = node->status;
        stall.since = node->since;
    } else {
        stall.reason = "no_progress_timeout";
        stall.hostname.clear();
        stall.status.clear();
        stall.since = rec.last_change;
    }
    dirty_ = true;

    event e = base_event(event_type::upgrade_stalled, now);
    e.stall =
        stall_info{.reason = stall.reason,
                   .stalled_for_seconds = (now - stall.since).count(),
                   .peer_median_seconds =
                       node == slow && !stuck
                           ? std::chrono::duration_cast<std::chrono::seconds>(slow_median).count()
                           : 0};
    e.stall->cluster = insight(stall.hostname);
    if (node)
        e.node = make_node_info(*node);
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
    e.stall->cluster = insight(stall.hostname);
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
    const auto timeout = std::chrono::ceil<std::chrono::seconds>(cfg.node_stage_timeout);
    for (const node_record& n : rec.nodes) {
        if (!n.listed || classify_status(n.status) != node_phase::upgrading)
            continue;
        if (enabled(cfg.node_stage_timeout))
            consider(n.since + timeout);
        if (const auto rule = slow_rule(n))
            consider(n.since + std::chrono::duration_cast<std::chrono::seconds>(rule->threshold));
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
