#pragma once
// daemon: `ses-upgrade-monitor run` (SPEC §6). Owns the io_context and everything on it:
// configuration, one cluster_runtime (tracker + watcher) per polled cluster keyed by name (an
// HA standby: one standby_view each instead), the state store, the notification dispatcher,
// the status HTTP server, signals and sd_notify.
//
// Lifecycle:
// - run(): starts the dispatcher, the watchers and the server, sends READY=1, and turns the
//   event loop until a stop. Returns the exit code: 0 after SIGTERM/SIGINT.
// - SIGHUP: RELOADING=1, reload the file; invalid → one error line, the old configuration
//   stays. Valid → every new part that can fail (API client, notifiers, status server) is
//   built first and swapped in only when all succeeded, so a failed reload changes nothing;
//   then clusters added start, removed stop (their state stays in the store), kept ones
//   keep their tracker state and timers and take new options; then READY=1.
// - SIGTERM/SIGINT: STOPPING=1, watchers stop, the state store commits what is queued,
//   pending deliveries get up to 5 s, their results are committed, the loop ends. A second
//   SIGTERM/SIGINT during that commits what is queued and ends the loop at once.
// Single-threaded: everything runs on the one io_context thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "daemon/api_source.hpp"
#include "daemon/cluster_runtime.hpp"
#include "daemon/discovery_runtime.hpp"
#include "daemon/logging.hpp"
#include "daemon/service_notifier.hpp"
#include "daemon/standby_view.hpp"
#include "monitor/rate_limiter.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"
#include "state/records.hpp"
#include "web/change_feed.hpp"
#include "web/fleet_index.hpp"
#include "web/metrics.hpp"
#include "web/view_model.hpp"

namespace sesmon::net {
class http_server;
}  // namespace sesmon::net
namespace sesmon::notify {
class client_pool;
class dispatcher;
using notifier_factory =
    std::function<std::unique_ptr<sesmon::notifier>(const sesmon::notifier_config&)>;
}  // namespace sesmon::notify
namespace sesmon::web {
class router;
class history_source;
}  // namespace sesmon::web
namespace sesmon::state {
class store;
struct upgrade_summary;
class history_reader;
}  // namespace sesmon::state

namespace sesmon::daemon {

class ha_member;

struct daemon_options {
    std::string config_path;  // re-read on SIGHUP
    log_target log;
    duration stop_grace = std::chrono::seconds(5);        // pending deliveries at SIGTERM
    duration metrics_interval = std::chrono::seconds(1);  // notification counters → /metrics
    // The disk fault seam's control file (SESMON_TEST_DISK_FAULTS, a test hook; empty: off).
    std::filesystem::path disk_fault_control;
};

class daemon {
  public:
    // Builds everything from a loaded configuration. Throws std::exception for start-up
    // failures (state directory not writable, server address in use, ...).
    daemon(daemon_options options, sesmon::config cfg, std::shared_ptr<spdlog::logger> logger);
    ~daemon();
    daemon(const daemon&) = delete;
    daemon& operator=(const daemon&) = delete;

    // Runs until SIGTERM/SIGINT. Returns the process exit code.
    int run();

    // True when stop left coroutines that did not finish in time (a request that ignores
    // cancellation): the caller must then exit without destroying the daemon.
    bool unclean() const { return unclean_; }

  private:
    // Polls `c` — or, on an HA standby, shows it (add_group_view).
    void start_cluster(const cluster_config& c, monitor::cluster_state restored,
                       std::optional<silence::silence_record> silence = {});
    std::unique_ptr<cluster_runtime> make_runtime(
        const cluster_config& c, monitor::cluster_state restored,
        std::optional<silence::silence_record> silence = {});
    // SPEC §14: the silence manager for `alertmanager` (none without it), its own HTTPS
    // client (fenced in an HA group). Throws for an unusable ca_file.
    std::unique_ptr<silence::manager> make_silences(const std::optional<alertmanager_config>& am);
    tracking_options tracking() const;
    // Adds (+1) or removes (-1) a cluster's flags to the STATUS= counts.
    void count_flags(const cluster_flags& flags, int sign);
    // A watched cluster, polled or viewed; null when not watched.
    tracked_cluster* find_tracked(const std::string& name);
    const tracked_cluster* find_tracked(const std::string& name) const;
    // f(tracked_cluster&) for every watched cluster: polled here, or viewed (a standby).
    template <class F>
    void for_each_tracked(F&& f) {
        for (auto& kv : clusters_)
            f(static_cast<tracked_cluster&>(*kv.second));
        for (auto& kv : views_)
            f(static_cast<tracked_cluster&>(*kv.second));
    }
    template <class F>
    void for_each_tracked(F&& f) const {
        for (const auto& kv : clusters_)
            f(static_cast<const tracked_cluster&>(*kv.second));
        for (const auto& kv : views_)
            f(static_cast<const tracked_cluster&>(*kv.second));
    }
    std::size_t watched_count() const { return clusters_.size() + views_.size(); }
    void load_and_start_cluster(const cluster_config& c);
    void open_store();
    std::unique_ptr<notify::dispatcher> make_dispatcher(
        std::vector<state::delivery_record> pending);
    // A polled or viewed cluster goes. `why` completes the log line: "no longer watched
    // (<why>; its state stays ...)".
    // `announce`: that line at all (not when an HA member hands its clusters over).
    void stop_cluster(const std::string& name, std::string_view why = {}, bool announce = true);
    // Readiness (/readyz, "ready" in /api/v1/clusters): see awaiting_first_poll_.
    bool ready() const;
    void first_attempt_done(const std::string& name);
    void first_listing_done();
    void log_if_ready();
    // Discovery's side (daemon_discovery.cpp): the runtime, wired to the two below, which
    // keep config_.clusters the list of every watched cluster.
    // `stored`: the discovered set the store held at start.
    std::unique_ptr<discovery_runtime> make_discovery(
        const std::vector<state::discovered_record>& stored);
    void start_discovered(const cluster_config& c);
    void stop_discovered(const std::string& name, std::string_view why);
    void reload();
    void apply(sesmon::config next);
    // What `check-config` would report beyond validity (a notifier's missing program, a
    // placeholder host), one warning line each: the daemon runs with it, deliveries to such
    // a notifier fail. At start and after each reload.
    void log_readiness() const;
    // The notifier factory the dispatcher uses: hands out what apply() built beforehand,
    // else builds with the running configuration's logging format.
    notify::notifier_factory notifier_factory();
    std::unique_ptr<sesmon::notifier> build_notifier(const notifier_config& config,
                                                     log_format format);
    void warn_of_a_silence_left(const std::string& name, const std::vector<cluster_config>& next);
    void forget_removed_notifiers(const std::vector<notifier_config>& next);
    // The status server: one router for the daemon's life, and a server bound to `listen`.
    void ensure_router();
    std::unique_ptr<net::http_server> bind_server(const std::string& listen);
    struct server_change {
        bool listen_changed = false;
        std::unique_ptr<net::http_server> server;  // bound to the new listen; null = off
    };
    server_change prepare_server(const server_config& next);
    void swap_server(server_change change, const server_config& next);
    void begin_stop();
    void wait_second_signal();
    // Ends the event loop now (after the store's queued commit, if the disk answers within a
    // second), abandoning the tasks still running: the caller then exits without destroying
    // the daemon.
    void exit_now();
    boost::asio::awaitable<void> finish_stop();
    boost::asio::awaitable<void> store_flushed();
    void wait_signals();
    void arm_metrics_sync();
    void update_status();
    void sync_notification_metrics();
    void start_server();
    web::daemon_view view() const;
    // view() without the clusters: what every fleet answer begins with.
    web::daemon_view view_header() const;
    // One watched cluster's view now; nullopt when no cluster of that name is watched.
    std::optional<web::cluster_view> cluster_view(const std::string& name) const;
    // Reads past upgrades' node times (all clusters, or one) off the loop and hands them
    // to the clusters' trackers for the ETA.
    void load_node_time_history(std::optional<std::string> instance_no);
    std::optional<wall_time> expected_finish_of(const state::upgrade_summary& upgrade) const;

    // HA (daemon_ha.cpp): a member of a group polls and delivers only while it leads.
    void open_ha_store(std::unique_ptr<state::store> local);
    void start_ha();
    void become_leader(state::initial_state initial);
    void become_standby(const std::string& reason);
    void show_group_cluster(const state::cluster_record& c);
    void show_group_discovered(const std::vector<state::discovered_record>& known);
    // The group's store refuses writes (etcd's NOSPACE, ...): one monitor_degraded alert per
    // episode, from memory, through every notifier that takes it.
    void alert_degraded(const state::store_health& health);
    void add_group_view(const cluster_config& c);

    daemon_options options_;
    std::shared_ptr<spdlog::logger> logger_;
    // Declared first so that it is destroyed last: everything below holds its executor.
    boost::asio::io_context io_;
    sesmon::system_clock clock_;
    monitor::anchored_clock decision_clock_{clock_};  // the trackers' time (SPEC §4)
    std::mt19937_64 rng_;
    sesmon::config config_;
    wall_time started_at_;

    // Before the store: its writer thread reports commits to the metrics until it is closed.
    web::metrics metrics_;
    // HA mode only; before the store, which is then the group's (etcd) and refers to it.
    std::unique_ptr<ha_member> ha_;
    bool ha_active_ = false;  // this member leads: its clusters poll, its dispatcher delivers
    bool degraded_alerted_ = false;  // monitor_degraded sent for the refusal going on
    std::unique_ptr<state::store> store_;
    // Read-only queries of state.db on their own thread (history API, ETA history).
    std::unique_ptr<state::history_reader> history_reader_;
    std::unique_ptr<web::history_source> history_;
    std::unique_ptr<notify::client_pool> webhook_clients_;  // one https_client per ca_file
    std::unique_ptr<notify::dispatcher> dispatcher_;
    // Alertmanager silences (SPEC §14); null without an `alertmanager` section.
    std::unique_ptr<silence::manager> silences_;
    std::unique_ptr<api_source> source_;
    std::unique_ptr<monitor::rate_limiter> limiter_;
    // The clusters' own OpenSearch views (SPEC §16): HTTPS clients by ca_file, and a rate
    // limiter of their own (a slow cluster never holds the API's slots).
    std::unique_ptr<notify::client_pool> opensearch_clients_;
    std::unique_ptr<monitor::rate_limiter> opensearch_limiter_;
    std::unique_ptr<discovery_runtime> discovery_;  // SPEC §10; idle while disabled
    // The fleet view (SPEC §13): every watched cluster's row, and the long poll waiting on it.
    // Before the router, which answers from them.
    web::fleet_index fleet_;
    web::change_feed feed_;
    // Outlives every server: a replaced server's unwinding connections still call it.
    std::unique_ptr<web::router> router_;
    std::unique_ptr<net::http_server> server_;
    // Notifiers apply() built for the configuration it is about to swap in, by name.
    std::map<std::string, std::unique_ptr<sesmon::notifier>> prebuilt_notifiers_;
    struct notification_seen {
        std::uint64_t delivered = 0, retried = 0, dead_lettered = 0;
    };
    std::map<std::string, notification_seen> notification_seen_;

    // The stored states loaded at start, by instance_no; taken by start_cluster.
    std::map<std::string, monitor::cluster_state> restored_;
    std::map<std::string, silence::silence_record> restored_silences_;
    // Every watched cluster is in exactly one of these two: polled by this daemon (alone, or
    // leading its HA group), or shown read-only from the group's state (an HA standby).
    std::map<std::string, std::unique_ptr<cluster_runtime>> clusters_;
    // Clusters whose stored state is being read (load_and_start_cluster), by name, with the
    // configuration they will start with: a reload meanwhile must not add them again.
    std::map<std::string, cluster_config> loading_;
    std::map<std::string, std::unique_ptr<standby_view>> views_;
    // Stopped clusters whose watcher coroutine has not ended yet.
    std::map<cluster_runtime*, std::unique_ptr<cluster_runtime>> retiring_;

    boost::asio::signal_set signals_;
    boost::asio::steady_timer metrics_timer_;
    boost::asio::steady_timer stop_deadline_;
    service_notifier systemd_;

    // Ready once every cluster watched at start (configured, or discovered by the last run)
    // has had its first poll attempt and, when discovery was on at start, its first listing
    // was attempted. A cluster stopped before its attempt no longer counts; clusters started
    // later (reload, discovery) never do.
    std::set<std::string> awaiting_first_poll_;
    bool awaiting_first_listing_ = false;
    int in_progress_ = 0;
    int stalled_ = 0;
    int blind_ = 0;
    bool stopping_ = false;
    bool unclean_ = false;
};

}  // namespace sesmon::daemon
