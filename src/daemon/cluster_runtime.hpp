#pragma once
// cluster_runtime: one cluster this daemon polls (alone, or as an HA group's leader) — its
// tracker (upgrade state machine), its watcher (poll loop), its Alertmanager silence, and what
// the status surfaces need to know about its last poll. It is the watcher's poll_handler: each
// poll result goes through the tracker; the tracker's new state, the events it emitted
// (marked with the maintenance windows, SPEC §14) and the silence they call for are committed
// to the state store together, and the events reach the dispatcher — and the silence the
// silence manager — only once that commit is durable (the exactly-once order of SPEC §6;
// docs/daemon.md, "State"). An HA standby shows its clusters through standby_view instead.
//
// Single-threaded (the io_context thread). Must outlive its watcher's coroutine: the daemon
// keeps a stopped runtime until the watcher reports it has exited (running() false).
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/opensearch_watch.hpp"
#include "daemon/tracked_cluster.hpp"
#include "monitor/cluster_watcher.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "silence/manager.hpp"
#include "silence/planner.hpp"
#include "web/metrics.hpp"

namespace spdlog {
class logger;
}
namespace sesmon {
class progress_source;
}
namespace sesmon::monitor {
class rate_limiter;
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

struct runtime_deps {
    boost::asio::any_io_executor executor;  // for the watcher and the deadline timer
    const sesmon::clock* clock = nullptr;   // real wall time: what is shown (last poll)
    tracking_options tracking;              // the trackers' time and dates (SPEC §4)
    progress_source* source = nullptr;      // where polls go (an HA member's is fenced)
    monitor::rate_limiter* limiter = nullptr;
    std::mt19937_64* rng = nullptr;  // the watchers' jitter
    notify::dispatcher* dispatcher = nullptr;
    web::metrics* metrics = nullptr;
    // The fleet view's index (SPEC §13): this cluster's row after every poll and deadline.
    web::fleet_index* fleet = nullptr;
    state::store* store = nullptr;
    std::shared_ptr<spdlog::logger> logger;
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
    // Makes the OpenSearch watch of a cluster with an `opensearch` section (SPEC §16), its
    // readings going to the callback. May throw (an unusable ca_file): the cluster then
    // runs without the view, which says why.
    std::function<std::shared_ptr<opensearch_watch>(const cluster_config&,
                                                    opensearch_watch::on_view)>
        make_opensearch_watch;
};

class cluster_runtime final : public tracked_cluster,
                              public monitor::poll_handler,
                              public silence::subject {
  public:
    // `restored` is the cluster's state as the store held it (or a fresh one); `watching`
    // how its watcher polls (name, target, polling, backoffs, spread); `silence` its silence
    // record as stored.
    cluster_runtime(cluster_config cluster, runtime_deps deps, monitor::cluster_state restored,
                    monitor::watcher_options watching,
                    std::optional<silence::silence_record> silence = {});
    // Stops the OpenSearch watch: a read still in flight (it keeps the watch alive) must not
    // call back into a runtime that is gone.
    ~cluster_runtime() override;

    bool on_success(const snapshot& s, duration elapsed) override;
    void on_failure(const api_error& error, duration elapsed) override;
    void on_poll_started(duration lateness) override;

    // New stall timeouts and notify list apply from the next poll, new polling options from
    // the watcher's next decision; nothing already emitted is emitted again.
    void reconfigure(const cluster_config& cluster, std::chrono::seconds zone_offset,
                     duration eta_node_prior) override;
    web::cluster_view view(wall_time now) const override;

    // Starts polling, arms the first deadline timer (a stall or blindness restored from
    // the store), starts the OpenSearch watch (with an `opensearch` section) and hands the
    // silence to `silences` (nullptr: silences are off). `on_exit` runs once the watcher's
    // coroutine has ended.
    void start(std::function<void()> on_exit, silence::manager* silences = nullptr);
    // Stops polling, the OpenSearch watch and the deadline timer for good. Idempotent.
    void stop();
    // The watcher's coroutine has not ended yet (also after stop(), briefly).
    bool running() const { return watcher_->running(); }
    // A new silence manager (a reload changed `alertmanager`); nullptr: none.
    void set_silence_manager(silence::manager* silences);
    const std::optional<silence::silence_record>& silence() const { return silence_; }

    // silence::subject
    std::optional<silence::silence_record> silence_to_act_on() const override;
    void silence_acted(const silence::step_result& result) override;
    const std::string& silence_cluster() const override { return cluster_.name; }

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
    // A reading (or a failed read) of the OpenSearch view: to the tracker, then settle.
    void on_cluster_view(const cluster_view_state& state);
    // (Re)creates the OpenSearch watch for cluster_.opensearch (none without it).
    void make_watch();
    // make_watch(), then its first read. Only once start() ran.
    void start_watch();
    // After settle: reads while an upgrade runs or a red episode is open, and at once when
    // `events` started an upgrade or raised a stall.
    void steer_watch(bool read_now);

    runtime_deps deps_;
    web::metrics::cluster_handle metrics_;  // this cluster's series, found once
    std::shared_ptr<monitor::cluster_watcher> watcher_;
    std::shared_ptr<opensearch_watch> opensearch_;  // with an `opensearch` section only
    boost::asio::steady_timer deadline_timer_;
    std::optional<wall_time> armed_for_;
    bool started_ = false;  // start() ran (the OpenSearch watch may read)
    bool stopped_ = false;
    std::optional<wall_time> last_poll_at_;
    std::optional<wall_time> last_success_at_;
    std::string last_poll_result_;
    std::string last_error_;
    bool attempted_ = false;
    bool shown_changed_ = false;  // the last poll's result or error differs from the one before
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
