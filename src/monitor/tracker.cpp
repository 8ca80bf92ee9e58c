#include "monitor/tracker.hpp"

#include <algorithm>
#include <utility>

#include "common/time_format.hpp"
#include "monitor/event_builder.hpp"
#include "monitor/summary.hpp"
#include "monitor/upgrade_rules.hpp"

namespace sesmon::monitor {

tracker::tracker(cluster_ref cluster, tracker_options options, cluster_state restored)
    : cluster_(std::move(cluster)), options_(options), state_(std::move(restored)) {
    // Restored in the middle of a failure streak: last_success was saved when the streak
    // began (that is a change), so it is exact and blindness keeps counting from it.
    if (state_.blind.first_failure)
        session_success_ = state_.blind.last_success;
}

bool tracker::upgrade_in_progress() const {
    return state_.upgrade && state_.upgrade->phase == upgrade_phase::in_progress;
}

void tracker::set_cluster(cluster_ref cluster) {
    cluster_ = std::move(cluster);
}

event tracker::base_event(event_type type, wall_time now) const {
    event e;
    e.type = type;
    e.occurred_at = now;
    e.cluster = cluster_;
    if (state_.upgrade) {
        e.upgrade = make_upgrade_info(*state_.upgrade, options_.zone_offset);
        e.upgrade->expected_finish = expected_finish(now);
    }
    return e;
}

std::optional<wall_time> tracker::expected_finish(wall_time now) const {
    if (!state_.upgrade)
        return std::nullopt;
    return monitor::expected_finish(*state_.upgrade, now, {history_, options_.eta_node_prior});
}

void tracker::emit(std::vector<event>& out, event e, const event_key& key, duration span) {
    e.id = make_event_id(key);
    auto& ids = state_.emitted;
    if (std::find(ids.begin(), ids.end(), e.id) != ids.end())
        return;
    ids.push_back(e.id);
    if (ids.size() > max_emitted_ids)
        ids.erase(ids.begin());
    e.summary = summarize(e, span);
    dirty_ = true;
    out.push_back(std::move(e));
}

event_key tracker::blind_key(event_type type) const {
    event_key key;
    key.instance_no = cluster_.instance_no;
    key.type = type;
    key.episode = state_.blind.number;
    return key;
}

void tracker::emit_upgrade_event(std::vector<event>& out, event e, std::string hostname,
                                 std::string status, std::uint64_t episode) {
    const upgrade_identity& id = state_.upgrade->identity;
    event_key key{.instance_no = cluster_.instance_no,
                  .action_date = id.action_date,
                  .target_version = id.target_version,
                  .type = e.type,
                  .hostname = std::move(hostname),
                  .status = std::move(status),
                  .episode = episode};
    emit(out, std::move(e), key);
}

observation_result tracker::observe(const snapshot& snap, wall_time now) {
    observation_result result;
    note_success(now, result.events);
    note_unknown_statuses(snap, result);

    auto& current = state_.upgrade;
    if (shows_upgrade(snap)) {
        // A response without versionVo cannot name its upgrade: it is taken to be the
        // current one rather than a new upgrade with an empty identity.
        const bool same = current && (!snap.version || current->identity == identity_of(snap));
        if (!same) {
            if (upgrade_in_progress())
                end_upgrade(now, result.events);
            start_upgrade(snap, now, result.events);
        } else if (current->phase != upgrade_phase::finished) {
            // The same upgrade again; a vanished one that reappears is tracked on silently
            // (its upgrade_started was already emitted).
            if (current->phase == upgrade_phase::vanished || current->absent_polls != 0) {
                current->phase = upgrade_phase::in_progress;
                current->ended_at.reset();
                current->absent_polls = 0;
                dirty_ = true;
            }
            update_nodes(snap, now, result);
        }
    } else if (upgrade_in_progress()) {
        // One response without the upgrade may be a glitch; two in a row mean it is gone.
        ++current->absent_polls;
        dirty_ = true;
        if (current->absent_polls >= 2)
            end_upgrade(now, result.events);
    }

    if (upgrade_in_progress() && current->absent_polls == 0) {
        check_finished(now, result.events);
        if (upgrade_in_progress())
            evaluate_stall(now, true, result.events);
    }
    result.upgrade_in_progress = upgrade_in_progress();
    return result;
}

std::vector<event> tracker::poll_failed(const api_error& error, wall_time now) {
    std::vector<event> out;
    auto& blind = state_.blind;
    if (!blind.first_failure) {
        blind.first_failure = now;
        dirty_ = true;
    }
    blind.last_error = error.message;
    check_blind(now, out);
    return out;
}

std::vector<event> tracker::tick(wall_time now) {
    std::vector<event> out;
    if (state_.blind.first_failure) {
        check_blind(now, out);
    } else if (upgrade_in_progress() && state_.upgrade->absent_polls == 0) {
        evaluate_stall(now, false, out);
    }
    return out;
}

void tracker::note_success(wall_time now, std::vector<event>& out) {
    auto& blind = state_.blind;
    if (blind.open) {
        const wall_time since = session_success_.value_or(blind.first_failure.value_or(now));
        event e = base_event(event_type::monitor_recovered, now);
        if (!upgrade_in_progress())
            e.upgrade.reset();
        emit(out, std::move(e), blind_key(event_type::monitor_recovered), now - since);
        blind.open = false;
        blind.opened_at.reset();
        dirty_ = true;
    }
    if (blind.first_failure || !blind.last_error.empty()) {
        blind.first_failure.reset();
        blind.last_error.clear();
        dirty_ = true;
    }
    blind.last_success = now;
    session_success_ = now;
}

void tracker::note_unknown_statuses(const snapshot& snap, observation_result& result) {
    auto& known = state_.unknown_statuses;
    for (const node_observation& n : snap.nodes) {
        if (classify_status(n.status) != node_phase::unknown)
            continue;
        if (std::find(known.begin(), known.end(), n.status) != known.end())
            continue;
        result.new_unknown_statuses.push_back(n.status);
        known.push_back(n.status);
        if (known.size() > max_unknown_statuses)
            known.erase(known.begin());
        dirty_ = true;
    }
}

void tracker::start_upgrade(const snapshot& snap, wall_time now, std::vector<event>& out) {
    upgrade_record rec;
    rec.identity = identity_of(snap);
    rec.started_at = now;
    if (snap.version) {
        rec.from_version = snap.version->current_version;
        rec.to_version = snap.version->target_version;
        auto action_at = snap.version->action_at;
        if (!action_at) {
            action_at = common::parse_api_date(snap.version->action_date_raw, options_.zone_offset);
        }
        if (const auto at = usable(action_at, now))
            rec.started_at = *at;
    }
    rec.node_count = snap.node_count;
    rec.last_change = rec.started_at;
    rec.nodes.reserve(snap.nodes.size());  // kept for the whole upgrade: no doubling slack
    for (const node_observation& obs : snap.nodes) {
        const bool duplicate =
            std::any_of(rec.nodes.begin(), rec.nodes.end(),
                        [&](const node_record& n) { return n.hostname == obs.hostname; });
        if (duplicate)
            continue;  // the first entry of a hostname wins
        node_record n;
        n.hostname = obs.hostname;
        n.role = obs.role;
        n.status = obs.status;
        n.since = status_since(obs, now, std::nullopt);
        note_first_status(n);
        n.first_seen = now;
        n.last_seen = now;
        if (past_pending(classify_status(n.status)))
            rec.last_change = std::max(rec.last_change, n.since);
        rec.nodes.push_back(std::move(n));
    }
    rec.last_change = std::min(rec.last_change, now);
    rec.nodes_complete = count_complete(rec);

    state_.emitted.clear();  // ids of older upgrades can never recur (other identity)
    dirty_ = true;
    if (is_done(rec)) {
        // First seen already finished (e.g. the daemon was deployed afterwards): we never
        // saw it run, so it is recorded without events.
        rec.phase = upgrade_phase::finished;
        rec.finished_at = done_time(rec, now);
        rec.ended_at = now;
        state_.upgrade = std::move(rec);
        return;
    }
    state_.upgrade = std::move(rec);
    emit_upgrade_event(out, base_event(event_type::upgrade_started, now));
    for (const node_record& n : state_.upgrade->nodes) {
        if (classify_status(n.status) != node_phase::failed)
            continue;
        event e = base_event(event_type::upgrade_failed, now);
        e.node = make_node_info(n);
        emit_upgrade_event(out, std::move(e), n.hostname);
    }
}

void tracker::end_upgrade(wall_time now, std::vector<event>& out) {
    close_stall(now, out);
    auto& rec = *state_.upgrade;
    rec.phase = upgrade_phase::vanished;
    rec.ended_at = now;
    dirty_ = true;
    emit_upgrade_event(out, base_event(event_type::upgrade_vanished, now));
}

void tracker::check_finished(wall_time now, std::vector<event>& out) {
    auto& rec = *state_.upgrade;
    if (!is_done(rec))
        return;
    close_stall(now, out);
    rec.phase = upgrade_phase::finished;
    rec.finished_at = done_time(rec, now);
    rec.ended_at = now;
    dirty_ = true;
    emit_upgrade_event(out, base_event(event_type::upgrade_finished, now));
}

}  // namespace sesmon::monitor
