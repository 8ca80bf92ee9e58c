#pragma once
// tracker: the upgrade state machine of one cluster (SPEC §4). Pure: no I/O, no clock, no
// logger — every input (snapshot, poll error, current wall time) is an argument and every
// output (events, state) is a value. Not thread-safe; one owner (the cluster's watcher).
//
// Typical use by the poll loop:
//   tracker t(cluster, options, store.load(cluster.instance_no));
//   on success:  auto r = t.observe(snap, clock.wall_now());  dispatch r.events, log
//                r.new_unknown_statuses / nodes_appeared / nodes_disappeared once each,
//                pick interval vs idle_interval from r.upgrade_in_progress
//   on failure:  dispatch t.poll_failed(err, clock.wall_now())
//   on a timer:  dispatch t.tick(clock.wall_now())   (e.g. every 30 s: stalls and blindness
//                                                     are detected between polls too)
//   after each:  if (t.changed_since_save()) { store.mark_dirty(no, t.state()); t.mark_saved(); }
//                (a call that returned events is worth saving soon: if the process dies
//                before its state is written, a restart recomputes those events — with
//                the same ids, so a consumer that deduplicates by id sees them once)
//
// Guarantees: every event's id is make_event_id(...) of its identifying fields (see
// event_id.hpp), and the tracker never emits an id listed in state().emitted. A tracker
// rebuilt from a saved state() and fed the same snapshot emits nothing.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/cluster_state.hpp"
#include "monitor/eta.hpp"
#include "monitor/event_id.hpp"
#include "sesmon/api_error.hpp"
#include "sesmon/config.hpp"
#include "sesmon/event.hpp"
#include "sesmon/opensearch.hpp"
#include "sesmon/snapshot.hpp"
#include "sesmon/time.hpp"

namespace sesmon::monitor {

struct tracker_options {
    stall_config stall;  // the cluster's effective values (per-cluster overrides merged)
    std::chrono::seconds zone_offset = std::chrono::hours(9);  // api.time_zone_offset
    duration eta_node_prior = std::chrono::minutes(12);        // eta.node_prior
    friend bool operator==(const tracker_options&, const tracker_options&) = default;
};

struct observation_result {
    std::vector<event> events;  // in the order they happened
    // Status words classified unknown and never reported before for this cluster: the
    // caller logs each once (warn). Verbatim.
    std::vector<std::string> new_unknown_statuses;
    // Hostnames that joined / left the tracked upgrade's node list in this observation
    // (not reported at upgrade start). For logging; node_changed covers what matters.
    std::vector<std::string> nodes_appeared;
    std::vector<std::string> nodes_disappeared;
    // True while an upgrade is in progress after this observation: poll at `interval`,
    // else at `idle_interval`.
    bool upgrade_in_progress = false;
};

class tracker {
  public:
    // `restored` is what a previous tracker of the same cluster left (state::store::load),
    // or a fresh cluster_state{}.
    tracker(cluster_ref cluster, tracker_options options, cluster_state restored = {});

    // A successful poll at `now`. Emits, in this order: monitor_recovered; stall_cleared and
    // upgrade_vanished of a replaced upgrade; upgrade_started; node_changed and
    // upgrade_failed per node; stall_cleared; upgrade_finished; upgrade_stalled.
    // docs/events.md has every rule and edge case.
    observation_result observe(const snapshot& snap, wall_time now);

    // A failed poll at `now`. May emit monitor_blind (once per episode): when no poll has
    // succeeded for ≥ blind_timeout. `error.message` becomes the event's `error`.
    std::vector<event> poll_failed(const api_error& error, wall_time now);

    // Time passing without a poll result: may emit upgrade_stalled (when the last poll
    // succeeded) or monitor_blind (when polls are failing). Never clears anything.
    std::vector<event> tick(wall_time now);

    // A reading of the cluster's own OpenSearch view at `now` (SPEC §16; tracker_cluster.cpp).
    // May emit cluster_health_red (red while an upgrade is in progress, once per episode),
    // cluster_health_cleared (the first reading not red after that, upgrade or not) and
    // recovery_stuck (during an upgrade, the active recoveries unchanged for
    // stall.recovery_timeout; once until they move or end).
    std::vector<event> observe_cluster(const cluster_reading& reading, wall_time now);
    // The view's current state, which stall events carry (stall.cluster); nullopt when the
    // cluster has no view. Not part of state().
    void set_cluster_view(std::optional<cluster_view_state> view) { view_ = std::move(view); }
    const std::optional<cluster_view_state>& cluster_view() const { return view_; }
    // A red episode is open: reads go on after the upgrade until it clears.
    bool cluster_red_open() const { return state_.red.open; }

    // The earliest time at which tick() would emit something if no poll result came first:
    // the next stall deadline (a node's stage timeout or slower_than_peers threshold, or the
    // no-progress timeout) while an upgrade is in progress and not stalled, or the blind
    // deadline while polls are failing.
    // nullopt when no deadline is pending. The caller arms a timer for it (SPEC §4:
    // deadlines do not wait for a poll).
    std::optional<wall_time> next_deadline() const;

    // The expected finish of the upgrade in progress at `now` (SPEC §4), nullopt otherwise.
    // Events about an upgrade in progress carry it as upgrade.expected_finish.
    std::optional<wall_time> expected_finish(wall_time now) const;
    // This cluster's past upgrades' node times (read from the history, which may come after
    // the tracker was made): the ETA's second choice. Not part of state().
    void set_history(node_time_medians history) { history_ = std::move(history); }

    const cluster_state& state() const { return state_; }
    const cluster_ref& cluster() const { return cluster_; }
    const tracker_options& options() const { return options_; }
    bool upgrade_in_progress() const;

    // True when state() changed in a way worth persisting since the last mark_saved():
    // an event, an upgrade/node/episode change. Pure bookkeeping updates (last_seen,
    // last_success) do not count; they are saved with the next real change.
    bool changed_since_save() const { return dirty_; }
    void mark_saved() { dirty_ = false; }

    // Configuration reload: new timeouts apply from the next observe/tick. The cluster's
    // name may change too (instance_no must not: that is another cluster).
    void set_options(tracker_options options) { options_ = options; }
    void set_cluster(cluster_ref cluster);

  private:
    event base_event(event_type type, wall_time now) const;
    // Fills id and summary and appends `e` unless its id was already emitted.
    void emit(std::vector<event>& out, event e, const event_key& key, duration span = {});
    void emit_upgrade_event(std::vector<event>& out, event e, std::string hostname = {},
                            std::string status = {}, std::uint64_t episode = 0);
    event_key blind_key(event_type type) const;  // monitor_blind/recovered of this episode
    void note_success(wall_time now, std::vector<event>& out);
    void note_unknown_statuses(const snapshot& snap, observation_result& result);
    void start_upgrade(const snapshot& snap, wall_time now, std::vector<event>& out);
    void end_upgrade(wall_time now, std::vector<event>& out);  // vanished
    void update_nodes(const snapshot& snap, wall_time now, observation_result& result);
    void check_finished(wall_time now, std::vector<event>& out);
    void evaluate_stall(wall_time now, bool may_clear, std::vector<event>& out);
    // The slower_than_peers rule for an upgrading node, when it applies: the node is slow
    // from `threshold` in its stage on; `peer_median` is what it was compared with.
    struct peer_rule {
        duration threshold{};
        duration peer_median{};
    };
    std::optional<peer_rule> slow_rule(const node_record& n) const;
    void close_stall(wall_time now, std::vector<event>& out);
    void check_blind(wall_time now, std::vector<event>& out);
    // What the view says for an event about `hostname` ("" for none), if a view is set.
    std::optional<cluster_insight> insight(const std::string& hostname) const;
    std::optional<cluster_insight> insight_of(const cluster_reading& r,
                                              const std::string& hostname) const;
    void check_health(const cluster_reading& r, wall_time now, std::vector<event>& out);
    void check_recovery(const cluster_reading& r, wall_time now, std::vector<event>& out);
    void emit_cluster_event(std::vector<event>& out, event e, const upgrade_identity& upgrade,
                            std::uint64_t episode, duration span);

    cluster_ref cluster_;
    tracker_options options_;
    cluster_state state_;
    bool dirty_ = false;
    // The last successful poll seen by this tracker instance. Restored only when the state
    // was saved mid failure streak: a restart after downtime must not count our own
    // downtime as the cluster's blindness (docs/events.md).
    std::optional<wall_time> session_success_;
    node_time_medians history_;
    std::optional<cluster_view_state> view_;
};

}  // namespace sesmon::monitor
