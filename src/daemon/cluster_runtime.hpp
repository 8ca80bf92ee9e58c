#pragma once
// cluster_runtime: one configured cluster inside the daemon — its tracker (upgrade state
// machine), its watcher (poll loop), and what the status surfaces need to know about its
// last poll. It is the watcher's poll_handler: each poll result goes through the tracker;
// the tracker's new state and the events it emitted are committed to the state store
// together, and the events reach the dispatcher only once that commit is durable (the
// exactly-once order of SPEC §6; docs/daemon.md, "State").
//
// Single-threaded (the io_context thread). Must outlive its watcher's coroutine: the daemon
// keeps a stopped runtime until the watcher reports it has exited.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/opensearch_watch.hpp"
#include "monitor/anchored_clock.hpp"
#include "monitor/cluster_watcher.hpp"
#include "monitor/tracker.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
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
    // Makes the OpenSearch watch of a cluster with an `opensearch` section (SPEC §16), its
    // readings going to the callback. May throw (an unusable ca_file): the cluster then
    // runs without the view, which says why.
    std::function<std::shared_ptr<opensearch_watch>(const cluster_config&,
                                                    opensearch_watch::on_view)>
        make_opensearch_watch;
};

class cluster_runtime final : public monitor::poll_handler {
  public:
    // `restored` is the cluster's state as the store held it (or a fresh one).
    cluster_runtime(cluster_config cluster, runtime_deps deps, monitor::cluster_state restored);
    // Stops the OpenSearch watch: a read still in flight (it keeps the watch alive) must not
    // call back into a runtime that is gone.
    ~cluster_runtime() override;
    cluster_runtime(const cluster_runtime&) = delete;
    cluster_runtime& operator=(const cluster_runtime&) = delete;

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

    // Arms the first deadline timer (a stall or blindness restored from the store) and starts
    // the OpenSearch watch (with an `opensearch` section). Not called for an HA standby's
    // read-only view, which therefore reads no OpenSearch view either.
    void start();
    // Cancels the deadline timer and the OpenSearch watch for good (the cluster is removed,
    // or the daemon stops).
    void stop();

    void set_watcher(std::shared_ptr<monitor::cluster_watcher> watcher) {
        watcher_ = std::move(watcher);
    }
    const std::shared_ptr<monitor::cluster_watcher>& watcher() const { return watcher_; }

  private:
    // Commits the tracker's state with `events`; they go to the dispatcher once durable.
    void commit(std::vector<event> events);
    // After a poll or a deadline: commit what changed, report flag changes, re-arm.
    void settle(std::vector<event> events, const cluster_flags& before);
    // The deadline timer: fires at the tracker's next_deadline(), then ticks it.
    void arm_deadline();
    // This cluster's gauges in /metrics (the router does not rebuild them from the view).
    void publish_gauges();
    void on_deadline();
    // A reading (or a failed read) of the OpenSearch view: to the tracker, then settle.
    void on_cluster_view(const cluster_view_state& state);
    // (Re)creates the OpenSearch watch for cluster_.opensearch (none without it).
    void make_watch();
    // make_watch(), then its first read. Only once start() ran: a runtime that is never
    // started (an HA standby's read-only view) reads nothing.
    void start_watch();
    // After settle: reads while an upgrade runs or a red episode is open, and at once when
    // `events` started an upgrade or raised a stall.
    void steer_watch(bool read_now);
    void after_poll(std::vector<event> events, const cluster_flags& before, std::string_view result,
                    duration elapsed);

    cluster_config cluster_;
    runtime_deps deps_;
    monitor::tracker tracker_;
    std::shared_ptr<monitor::cluster_watcher> watcher_;
    std::shared_ptr<opensearch_watch> opensearch_;  // with an `opensearch` section only
    web::metrics::cluster_handle metrics_;          // this cluster's series, found once
    boost::asio::steady_timer deadline_timer_;
    std::optional<wall_time> armed_for_;
    bool started_ = false;  // start() ran: this runtime polls (not a standby's view)
    bool stopped_ = false;
    std::optional<wall_time> last_poll_at_;
    std::optional<wall_time> last_success_at_;
    std::string last_poll_result_;
    std::string last_error_;
    bool attempted_ = false;
    // history_id()'s cache, and the upgrade identity it was computed for.
    mutable std::string history_id_;
    mutable std::optional<monitor::upgrade_identity> history_id_of_;
};

}  // namespace sesmon::daemon
