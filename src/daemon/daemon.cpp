#include "daemon/daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>

#include "config/load.hpp"
#include "daemon/early_signals.hpp"
#include "daemon/ha_member.hpp"
#include "daemon/reader_history.hpp"
#include "net/http_server.hpp"
#include "net/https_client.hpp"
#include "notify/client_pool.hpp"
#include "notify/dispatcher.hpp"
#include "notify/format_generic.hpp"
#include "notify/routing.hpp"
#include "sesmon/version.hpp"
#include "state/disk_faults.hpp"
#include "state/history_reads.hpp"
#include "state/sqlite_store.hpp"
#include "web/routes.hpp"

namespace sesmon::daemon {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

monitor::rate_limiter::limits limits_of(const api_config& api) {
    return {api.max_requests_per_second, api.max_in_flight};
}

// The fleet's first revision: this start in microseconds, so that no revision of an earlier
// run of the daemon comes back (a dashboard's `since` from before a restart reads as changed).
std::uint64_t first_revision() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

}  // namespace

daemon::daemon(daemon_options options, sesmon::config cfg, std::shared_ptr<spdlog::logger> logger)
    : options_(std::move(options)),
      logger_(std::move(logger)),
      rng_(std::random_device{}()),
      config_(std::move(cfg)),
      started_at_(clock_.wall_now()),
      fleet_(first_revision()),
      feed_(io_.get_executor()),
      signals_(io_),
      metrics_timer_(io_),
      stop_deadline_(io_),
      systemd_(io_.get_executor(), logger_) {
    fleet_.on_change([this] { feed_.notify(); });  // a long poll answers at every change
    open_store();
    auto initial = store_->take_initial();
    for (auto& c : initial.clusters) {
        if (c.silence)
            restored_silences_.insert_or_assign(c.instance_no, std::move(*c.silence));
        restored_.insert_or_assign(c.instance_no, std::move(c.state));
    }
    silences_ = make_silences(config_.alertmanager);
    webhook_clients_ = std::make_unique<notify::client_pool>(
        io_.get_executor(), notify::dispatcher_options{}.max_in_flight);
    dispatcher_ = make_dispatcher(std::move(initial.pending));
    source_ = std::make_unique<api_source>(io_.get_executor(), clock_, logger_, config_.api,
                                           [this] { metrics_.count_api_connection(); });
    limiter_ =
        std::make_unique<monitor::rate_limiter>(io_.get_executor(), clock_, limits_of(config_.api));
    opensearch_clients_ = std::make_unique<notify::client_pool>(io_.get_executor(), 2);
    opensearch_limiter_ =
        std::make_unique<monitor::rate_limiter>(io_.get_executor(), clock_, limits_of(config_.api));
    discovery_ = make_discovery(initial.discovered);
}

std::unique_ptr<notify::dispatcher> daemon::make_dispatcher(
    std::vector<state::delivery_record> pending) {
    auto made = std::make_unique<notify::dispatcher>(io_.get_executor(), config_.notifiers, *store_,
                                                     std::move(pending), clock_, logger_,
                                                     notifier_factory());
    made->set_routes(config_.routes);
    return made;
}

std::unique_ptr<silence::manager> daemon::make_silences(
    const std::optional<alertmanager_config>& am) {
    if (!am)
        return nullptr;
    net::https_client_options o;
    o.ca_file = am->ca_file;
    o.max_idle_connections_per_host = 2;
    std::shared_ptr<http_client> client =
        std::make_shared<net::https_client>(io_.get_executor(), std::move(o));
    if (ha_)
        client = ha_->fence_client(std::move(client));  // the leader alone silences
    return std::make_unique<silence::manager>(io_.get_executor(), std::move(client), *am, clock_,
                                              logger_);
}

daemon::~daemon() {
    if (silences_)
        silences_->close();
    if (ha_)
        ha_->stop();
    // Watchers hold references into this object; end their coroutines before members go.
    discovery_->stop();
    for (auto& [name, rt] : clusters_)
        rt->stop();
    io_.restart();
    io_.run_for(100ms);
    history_reader_.reset();  // joins its thread; results it posts are dropped with io_
    store_->close();
}

void daemon::open_store() {
    state::sqlite_store_options o;
    o.directory = config_.state.directory;
    o.history_retention = config_.state.history_retention;
    o.on_commit = [this](double seconds) { metrics_.record_store_commit(seconds); };
    o.on_error = [this] { metrics_.record_store_error(); };
    if (!options_.disk_fault_control.empty()) {
        o.faults = std::make_shared<state::disk_faults>(options_.disk_fault_control);
        logger_->warn(
            "state: disk fault injection is on: {} decides how the state directory's disk "
            "behaves (SESMON_TEST_DISK_FAULTS is a test hook; never set it in production)",
            options_.disk_fault_control.string());
    }
    // A state directory of the per-file versions is imported once (legacy_import.hpp).
    o.legacy.parse_generic = [](std::string_view text) { return notify::parse_generic(text); };
    o.legacy.route = [this](const event& e) {
        for (const auto& c : config_.clusters) {
            if (c.instance_no == e.cluster.instance_no)
                return notify::route(config_.notifiers, config_.routes, e, c.notify);
        }
        return std::vector<std::string>{};
    };
    auto local = std::make_unique<state::sqlite_store>(io_.get_executor(), std::move(o), logger_);
    if (config_.ha) {
        open_ha_store(std::move(local));  // state.db keeps the history; the group is in etcd
    } else {
        store_ = std::move(local);
        store_->on_health_change([this](const state::store_health&) { update_status(); });
    }
    history_reader_ =
        std::make_unique<state::history_reader>(io_.get_executor(), config_.state.directory);
    history_ = std::make_unique<reader_history>(
        *history_reader_, clock_,
        [this](const state::upgrade_summary& u) { return expected_finish_of(u); });
}

void daemon::load_node_time_history(std::optional<std::string> instance_no) {
    using medians = std::map<std::string, monitor::node_time_medians>;
    history_reader_->read<medians>(
        [instance_no](state::sqlite::connection& db) {
            return state::read_node_time_medians(db, instance_no);
        },
        [this](std::optional<medians> found, const std::string& error) {
            if (!found) {
                logger_->warn(
                    "history: cannot read past upgrades' node times for the ETA ({}); "
                    "eta.node_prior applies until this cluster's upgrades show better",
                    error);
                return;
            }
            for_each_tracked([&](tracked_cluster& t) {
                if (const auto it = found->find(t.config().instance_no); it != found->end())
                    t.set_history(it->second);
            });
        });
}

std::optional<wall_time> daemon::expected_finish_of(const state::upgrade_summary& u) const {
    const auto of = [&](const tracked_cluster& t) -> std::optional<wall_time> {
        if (t.tracker().upgrade_in_progress() && t.history_id() == u.id)
            return t.expected_finish();
        return std::nullopt;
    };
    // By the name the row was last written with; a renamed cluster by its instance_no.
    const tracked_cluster* match = find_tracked(u.cluster);
    if (match != nullptr && match->config().instance_no != u.instance_no)
        match = nullptr;
    for_each_tracked([&](const tracked_cluster& t) {
        if (match == nullptr && t.config().instance_no == u.instance_no)
            match = &t;
    });
    return match != nullptr ? of(*match) : std::nullopt;
}

int daemon::run() {
    signals_.add(SIGHUP);
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    wait_signals();
    // From here on the loop listens: a signal that came while starting is sent again, to be
    // handled by the loop like any other (after the handlers the start queued).
    if (const int early = early_signals::take(); early != 0) {
        logger_->info("signal {} received while starting: handled once the daemon runs",
                      early == SIGHUP    ? "SIGHUP"
                      : early == SIGTERM ? "SIGTERM"
                                         : "SIGINT");
        ::raise(early);
    }
    dispatcher_->start();
    discovery_->extend(config_);  // appends the discovered clusters known from before
    awaiting_first_listing_ = config_.discovery.enabled;
    for (const auto& c : config_.clusters)
        awaiting_first_poll_.insert(c.name);
    for (const auto& c : config_.clusters) {
        auto it = restored_.find(c.instance_no);
        auto silence = restored_silences_.find(c.instance_no);
        start_cluster(c, it != restored_.end() ? std::move(it->second) : monitor::cluster_state{},
                      silence != restored_silences_.end()
                          ? std::optional<silence::silence_record>(std::move(silence->second))
                          : std::nullopt);
    }
    restored_.clear();
    restored_silences_.clear();
    load_node_time_history(std::nullopt);
    if (ha_) {
        discovery_->set_listing(false);  // until this member leads
        start_ha();
    }
    discovery_->start();
    start_server();
    arm_metrics_sync();
    if (auto period = systemd_.start_watchdog()) {
        logger_->info("systemd watchdog on: pinging every {} ms", period->count());
    }
    logger_->info("started: {} cluster(s), {} notifier(s), state in {}{}", watched_count(),
                  config_.notifiers.size(), config_.state.directory,
                  server_ ? ", status server on " + std::string(server_->scheme()) + "://" +
                                config_.server.listen.substr(0, config_.server.listen.rfind(':')) +
                                ":" + std::to_string(server_->port())
                          : std::string());
    log_readiness();
    systemd_.ready();
    update_status();
    io_.run();
    logger_->info("stopped");
    return 0;
}

void daemon::load_and_start_cluster(const cluster_config& c) {
    loading_.insert_or_assign(c.name, c);
    // Read through the store's queue: the state sees every write queued before (a cluster
    // removed and added back resumes where it stopped, nothing emitted twice).
    store_->load_cluster(c.instance_no, [this, c](std::optional<state::cluster_record> r) {
        if (const auto it = loading_.find(c.name); it != loading_.end() && it->second == c)
            loading_.erase(it);
        const auto wanted = std::find_if(config_.clusters.begin(), config_.clusters.end(),
                                         [&](const cluster_config& x) { return x == c; });
        if (stopping_ || find_tracked(c.name) != nullptr || wanted == config_.clusters.end())
            return;  // another reload overtook this one
        start_cluster(c, r ? std::move(r->state) : monitor::cluster_state{},
                      r ? std::move(r->silence) : std::nullopt);
        load_node_time_history(c.instance_no);
    });
}

tracking_options daemon::tracking() const {
    return {&decision_clock_, config_.api.time_zone_offset, config_.eta.node_prior};
}

void daemon::count_flags(const cluster_flags& flags, int sign) {
    in_progress_ += sign * int(flags.upgrade_in_progress);
    stalled_ += sign * int(flags.stalled);
    blind_ += sign * int(flags.blind);
}

tracked_cluster* daemon::find_tracked(const std::string& name) {
    if (const auto it = clusters_.find(name); it != clusters_.end())
        return it->second.get();
    if (const auto it = views_.find(name); it != views_.end())
        return it->second.get();
    return nullptr;
}

const tracked_cluster* daemon::find_tracked(const std::string& name) const {
    return const_cast<daemon*>(this)->find_tracked(name);
}

std::unique_ptr<cluster_runtime> daemon::make_runtime(
    const cluster_config& c, monitor::cluster_state restored,
    std::optional<silence::silence_record> silence) {
    runtime_deps deps;
    deps.executor = io_.get_executor();
    deps.clock = &clock_;
    deps.tracking = tracking();
    deps.source = ha_ ? &ha_->source(*source_) : source_.get();  // HA: the leader's term
    deps.limiter = limiter_.get();
    deps.rng = &rng_;
    deps.dispatcher = dispatcher_.get();
    deps.metrics = &metrics_;
    deps.fleet = &fleet_;
    deps.store = store_.get();
    deps.logger = logger_;
    deps.history_grew = [this](const std::string& instance_no) {
        if (!stopping_)
            load_node_time_history(instance_no);
    };
    deps.flags_changed = [this](const cluster_flags& before, const cluster_flags& after) {
        count_flags(before, -1);
        count_flags(after, +1);
        update_status();
    };
    deps.first_attempt = [this, name = c.name] { first_attempt_done(name); };
    deps.alertmanager = &config_.alertmanager;
    deps.maintenance = &config_.maintenance;
    deps.make_opensearch_watch = [this](const cluster_config& cluster,
                                        opensearch_watch::on_view on_view) {
        opensearch_watch_deps od;
        od.executor = io_.get_executor();
        od.http = &opensearch_clients_->client_for(cluster.opensearch->ca_file);
        od.limiter = opensearch_limiter_.get();
        od.details = source_.get();
        od.clock = &decision_clock_;
        od.logger = logger_;
        od.timeout = config_.api.timeout;
        return std::make_shared<opensearch_watch>(
            cluster.name, cluster_target{cluster.instance_no, cluster.region}, *cluster.opensearch,
            std::move(od), std::move(on_view));
    };
    metrics_.set_discovered(c.name, c.discovered);
    monitor::watcher_options wo;
    wo.name = c.name;
    wo.target = {c.instance_no, c.region};
    wo.polling = c.polling;
    wo.initial_backoff = std::min<duration>(1s, c.polling.interval);
    wo.min_backoff = std::min<duration>(100ms, c.polling.interval);
    // Spread the first polls of many clusters over up to one interval (at most 5 s).
    if (config_.clusters.size() > 1)
        wo.first_poll_spread = std::min<duration>(c.polling.interval, 5s);
    wo.schedule_grid = 10ms;  // polls due within 10 ms of each other share a wake-up
    auto rt = std::make_unique<cluster_runtime>(c, std::move(deps), std::move(restored),
                                                std::move(wo), std::move(silence));
    count_flags(rt->flags(), +1);
    return rt;
}

void daemon::start_cluster(const cluster_config& c, monitor::cluster_state restored,
                           std::optional<silence::silence_record> silence) {
    if (ha_ && !ha_active_) {
        add_group_view(c);  // a standby shows the group's state and polls nothing
        return;
    }
    auto rt = make_runtime(c, std::move(restored), std::move(silence));
    rt->start([this, raw = rt.get()] { retiring_.erase(raw); }, silences_.get());
    logger_->info("cluster {}: watching instance {} ({}), every {} ms in an upgrade, {} ms idle{}",
                  c.name, c.instance_no, c.region, c.polling.interval.count(),
                  c.polling.idle_interval.count(), c.discovered ? "; found by discovery" : "");
    clusters_[c.name] = std::move(rt);
}

bool daemon::ready() const {
    return awaiting_first_poll_.empty() && !awaiting_first_listing_;
}

void daemon::first_attempt_done(const std::string& name) {
    if (awaiting_first_poll_.erase(name) > 0)
        log_if_ready();
}

void daemon::first_listing_done() {
    if (std::exchange(awaiting_first_listing_, false))
        log_if_ready();
}

// Each of the two conditions only ever turns true, so this logs once.
void daemon::log_if_ready() {
    if (ready())
        logger_->info("first poll round done: ready");
}

void daemon::stop_cluster(const std::string& name, std::string_view why, bool announce) {
    if (const auto view = views_.find(name); view != views_.end()) {
        count_flags(view->second->flags(), -1);
        views_.erase(view);
    } else if (auto it = clusters_.find(name); it != clusters_.end()) {
        auto rt = std::move(it->second);
        clusters_.erase(it);
        count_flags(rt->flags(), -1);
        metrics_.remove_cluster(name);
        rt->stop();
        if (rt->running()) {  // kept until its watcher's coroutine has ended
            auto* raw = rt.get();
            retiring_[raw] = std::move(rt);
        }
    } else {
        return;
    }
    fleet_.remove(name);
    if (announce) {
        logger_->info("cluster {}: no longer watched ({}its state stays in the store)", name,
                      why.empty() ? std::string() : std::string(why) + "; ");
    }
    first_attempt_done(name);  // its first attempt will not come: readiness stops waiting
}

void daemon::wait_signals() {
    signals_.async_wait([this](boost::system::error_code ec, int signo) {
        if (ec || stopping_)
            return;
        if (signo == SIGHUP) {
            reload();
            wait_signals();
            return;
        }
        logger_->info("signal {}: stopping", signo == SIGTERM ? "SIGTERM" : "SIGINT");
        begin_stop();
    });
}

}  // namespace sesmon::daemon
