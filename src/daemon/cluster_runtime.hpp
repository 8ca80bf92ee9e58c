#pragma once
// cluster_runtime: one configured cluster inside the daemon — its tracker (upgrade state
// machine), its watcher (poll loop), its Alertmanager silence, and what the status surfaces
// need to know about its last poll. It is the watcher's poll_handler: each poll result goes
// through the tracker; the tracker's new state, the events it emitted (marked with the
// maintenance windows, SPEC §14) and the silence they call for are committed to the state
// store together, and the events reach the dispatcher — and the silence the silence manager
// — only once that commit is durable (the exactly-once order of SPEC §6; docs/daemon.md,
// "State").
//
// Single-threaded (the io_context thread). Must outlive its watcher's coroutine: the daemon
// keeps a stopped runtime until the watcher reports it has exited.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "monitor/anchored_clock.hpp"
#include "monitor/cluster_watcher.hpp"
#include "monitor/tracker.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "silence/manager.hpp"
#include "silence/planner.hpp"
#include "web/metrics.hpp"
#include "web/view_model.hpp"

namespace spdlog {
class logger;
}
namespace sesmon::notify {
class dispatcher;
}
namespace sesmon::state {
class store;
}
namespace sesmon::web {
class fleet_index;
}

namespace sesmon::daemon {

// Flags of a cluster that the daemon's STATUS line counts.
struct cluster_flags {
    bool upgrade_in_progress = false;
    bool stalled = false;
    bool blind = false;
    friend bool operator==(const cluster_flags&, const cluster_flags&) = default;
};

struct runtime_deps {
    boost::asio::any_io_executor executor;  // for the deadline timer
    const sesmon::clock* clock = nullptr;   // real wall time: what is shown (last poll)
    // The trackers' time: stall and blind decisions and the times they store (SPEC §4).
    const monitor::anchored_clock* decision_clock = nullptr;
    notify::dispatcher* dispatcher = nullptr;
    web::metrics* metrics = nullptr;
    // The fleet view's index (SPEC §13): this cluster's row after every poll and deadline.
    web::fleet_index* fleet = nullptr;
    state::store* store = nullptr;
    std::shared_ptr<spdlog::logger> logger;
    std::chrono::seconds zone_offset = std::chrono::hours(9);
    duration eta_node_prior = std::chrono::minutes(12);
    // Called after a poll changed the cluster's flags (old, new).
    std::function<void(const cluster_flags&, const cluster_flags&)> flags_changed;
    // Called once, after the cluster's first poll attempt (readiness).
    std::function<void()> first_attempt;
    // Called once an upgrade_finished of this cluster is durable: its history has grown.
    std::function<void(const std::string& instance_no)> history_grew;
    // SPEC §14, the daemon's (they follow its reloads): the alertmanager section (unset: no
    // silences) and the maintenance windows.
    const std::optional<alertmanager_config>* alertmanager = nullptr;
    const std::vector<maintenance_window>* maintenance = nullptr;
};

class cluster_runtime final : public monitor::poll_handler, public silence::subject {
  public:
    // `restored` is the cluster's state as the store held it (or a fresh one), `silence` its
    // silence record.
    cluster_runtime(cluster_config cluster, runtime_deps deps, monitor::cluster_state restored,
                    std::optional<silence::silence_record> silence = {});
    ~cluster_runtime() override;

    bool on_success(const snapshot& s, duration elapsed) override;
    void on_failure(const api_error& error, duration elapsed) override;
    void on_poll_started(duration lateness) override;

    // A reloaded configuration of the same cluster (same instance_no): new stall timeouts
    // and notify list apply from the next poll; nothing already emitted is emitted again.
    void reconfigure(const cluster_config& cluster, std::chrono::seconds zone_offset,
                     duration eta_node_prior);

    const cluster_config& config() const { return cluster_; }
    const monitor::tracker& tracker() const { return tracker_; }
    // This cluster's past upgrades' node times (from the history), for the ETA.
    void set_history(monitor::node_time_medians history) {
        tracker_.set_history(std::move(history));
    }
    // The history id of the tracker's current (or last) upgrade; "" without one.
    const std::string& history_id() const;
    // The expected finish of the upgrade in progress (SPEC §4), else nullopt.
    std::optional<wall_time> expected_finish() const;
    cluster_flags flags() const;
    web::cluster_view view(wall_time now) const;

    // Arms the first deadline timer (a stall or blindness restored from the store), and hands
    // the silence to `silences` (nullptr: silences are off).
    void start(silence::manager* silences = nullptr);
    // Cancels the deadline timer for good (the cluster is removed, or the daemon stops).
    void stop();
    // A new silence manager (a reload changed `alertmanager`); nullptr: none.
    void set_silence_manager(silence::manager* silences);
    const std::optional<silence::silence_record>& silence() const { return silence_; }

    // silence::subject
    std::optional<silence::silence_record> silence_to_act_on() const override;
    void silence_acted(const silence::step_result& result) override;
    const std::string& silence_cluster() const override { return cluster_.name; }

    void set_watcher(std::shared_ptr<monitor::cluster_watcher> watcher) {
        watcher_ = std::move(watcher);
    }
    const std::shared_ptr<monitor::cluster_watcher>& watcher() const { return watcher_; }

  private:
    // Commits the tracker's state with `events`; they go to the dispatcher once durable.
    void commit(std::vector<event> events);
    // The silence the tracker's state calls for (silence/planner.hpp); true when it changed.
    bool plan_silence();
    silence::upgrade_facts upgrade_facts() const;
    // The commit of the silence's desire (upgrade, generation, version) is durable.
    void silence_committed(const std::string& upgrade_id, std::uint32_t generation,
                           std::uint64_t version);
    // After a poll or a deadline: commit what changed, report flag changes, re-arm.
    void settle(std::vector<event> events, const cluster_flags& before);
    // The deadline timer: fires at the tracker's next_deadline(), then ticks it.
    void arm_deadline();
    // This cluster's gauges in /metrics (the router does not rebuild them from the view), and
    // its row in the fleet index. `changed`: what it shows changed beyond the row's fields.
    void publish(bool changed);
    void on_deadline();
    void after_poll(std::vector<event> events, const cluster_flags& before, std::string_view result,
                    duration elapsed);

    cluster_config cluster_;
    runtime_deps deps_;
    monitor::tracker tracker_;
    std::shared_ptr<monitor::cluster_watcher> watcher_;
    web::metrics::cluster_handle metrics_;  // this cluster's series, found once
    boost::asio::steady_timer deadline_timer_;
    std::optional<wall_time> armed_for_;
    bool stopped_ = false;
    std::optional<wall_time> last_poll_at_;
    std::optional<wall_time> last_success_at_;
    std::string last_poll_result_;
    std::string last_error_;
    bool attempted_ = false;
    bool shown_changed_ = false;  // the last poll's result or error differs from the one before
    // history_id()'s cache, and the upgrade identity it was computed for.
    mutable std::string history_id_;
    mutable std::optional<monitor::upgrade_identity> history_id_of_;
    // SPEC §14: the silence record (desire and knowledge), the desire last known durable, and
    // why none could be made (logged when it changes).
    std::optional<silence::silence_record> silence_;
    struct desire_key {
        std::string upgrade_id;
        std::uint32_t generation = 0;
        std::uint64_t version = 0;
        friend bool operator==(const desire_key&, const desire_key&) = default;
    };
    std::optional<desire_key> silence_durable_;
    std::string silence_note_;
    silence::manager* silences_ = nullptr;
    // Commit handlers reach this runtime through it, only while it exists.
    std::shared_ptr<cluster_runtime*> self_ = std::make_shared<cluster_runtime*>(this);
};

}  // namespace sesmon::daemon
