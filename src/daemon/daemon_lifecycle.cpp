// daemon: reload (SIGHUP), stop (SIGTERM/SIGINT), status surfaces.
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "config/load.hpp"
#include "daemon/daemon.hpp"
#include "daemon/ha_member.hpp"
#include "net/http_server.hpp"
#include "notify/dispatcher.hpp"
#include "sesmon/version.hpp"
#include "state/history_reader.hpp"
#include "state/store.hpp"
#include "web/routes.hpp"

namespace sesmon::daemon {

namespace asio = boost::asio;
using namespace std::chrono_literals;

void daemon::reload() {
    systemd_.reloading();
    logger_->info("SIGHUP: reloading {}", options_.config_path);
    try {
        apply(config_file::load(options_.config_path));
    } catch (const config_file::error& e) {
        std::string lines;
        for (const auto& l : e.lines())
            lines += (lines.empty() ? "" : "; ") + l;
        logger_->error("reload failed, keeping the running configuration: {}", lines);
    } catch (const std::exception& e) {
        logger_->error("reload failed, keeping the running configuration: {}", e.what());
    }
    systemd_.ready();
    update_status();
}

// Applies a valid configuration. The parts that can reject it (API client, notifiers) go
// first, so a rejection leaves the clusters untouched.
void daemon::apply(sesmon::config next) {
    source_->reconfigure(next.api);
    dispatcher_->reconfigure(next.notifiers);  // throws std::invalid_argument, changing nothing
    apply_logging(*logger_, next.logging, options_.log);
    limiter_->set_limits({next.api.max_requests_per_second, next.api.max_in_flight});
    if (next.ha != config_.ha) {
        logger_->warn("ha changed: takes effect at the next restart");
        next.ha = config_.ha;
    }
    if (next.state.directory != config_.state.directory) {
        logger_->warn("state.directory changed to {}: takes effect at the next restart",
                      next.state.directory);
        next.state.directory = config_.state.directory;
    }

    int added = 0, removed = 0, changed = 0;
    std::set<std::string> wanted;
    for (const auto& c : next.clusters)
        wanted.insert(c.name);
    std::vector<std::string> to_stop;
    for (const auto& [name, rt] : clusters_) {
        const auto it = std::find_if(next.clusters.begin(), next.clusters.end(),
                                     [&](const cluster_config& c) { return c.name == name; });
        if (it == next.clusters.end() || it->instance_no != rt->config().instance_no) {
            to_stop.push_back(name);
        }
    }
    for (const auto& name : to_stop) {
        stop_cluster(name);
        ++removed;
    }
    // The API's zone and the ETA's prior apply to every cluster's tracker.
    const bool zone_changed = next.api.time_zone_offset != config_.api.time_zone_offset ||
                              next.eta.node_prior != config_.eta.node_prior;
    config_.api.time_zone_offset = next.api.time_zone_offset;
    config_.eta = next.eta;
    for (const auto& c : next.clusters) {
        auto it = clusters_.find(c.name);
        if (it == clusters_.end()) {
            config_.clusters = next.clusters;  // start_cluster reads the cluster count
            load_and_start_cluster(c);
            ++added;
        } else if (!(it->second->config() == c) || zone_changed) {
            it->second->reconfigure(c, next.api.time_zone_offset, next.eta.node_prior);
            logger_->info("cluster {}: configuration updated", c.name);
            ++changed;
        }
    }

    const bool server_changed = next.server.listen != config_.server.listen ||
                                next.server.auth_token != config_.server.auth_token;
    next.source_path = config_.source_path;
    config_ = std::move(next);
    if (server_changed) {
        if (server_)
            server_->stop();
        // The old server's connections may still be unwinding and hold its handler, which
        // points at the old router: keep both until the daemon ends.
        if (server_)
            retired_servers_.push_back({std::move(server_), std::move(router_)});
        start_server();
    }
    logger_->info("reloaded: {} cluster(s) added, {} removed, {} changed, {} watched", added,
                  removed, changed, clusters_.size());
}

void daemon::begin_stop() {
    if (stopping_)
        return;
    stopping_ = true;
    if (ha_)
        ha_->stop_campaigning();  // a standby must not take over now; a leader keeps its lease
    systemd_.stopping();
    systemd_.stop_watchdog();
    signals_.cancel();
    for (auto& [name, rt] : clusters_) {
        rt->stop();
        if (rt->watcher())
            rt->watcher()->stop();
    }
    for (auto& [raw, rt] : retiring_) {
        if (rt->watcher())
            rt->watcher()->stop();
    }
    if (server_)
        server_->stop();
    history_reader_->close();  // history reads still queued answer "closed"
    metrics_timer_.cancel();
    // Whatever happens below, the process ends: a request that ignores cancellation must
    // not keep it alive.
    stop_deadline_.expires_after(options_.stop_grace + 2s);
    stop_deadline_.async_wait([this](boost::system::error_code ec) {
        if (ec)
            return;
        logger_->warn("stop: tasks still running after {} ms; exiting anyway",
                      (options_.stop_grace + 2s).count());
        unclean_ = true;
        io_.stop();
    });
    asio::co_spawn(io_, finish_stop(), [this](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                logger_->error("stop failed: {}", ex.what());
            }
        }
    });
}

// Resumes once every write queued so far was attempted (and its handlers ran).
asio::awaitable<void> daemon::store_flushed() {
    asio::steady_timer done(io_, asio::steady_timer::time_point::max());
    store_->flush([&done] { done.cancel(); });
    co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> daemon::finish_stop() {
    // The polls' last commits first: their events join the deliveries below.
    co_await store_flushed();
    co_await dispatcher_->stop(options_.stop_grace);
    // Watchers end promptly once cancelled; give them a moment, bounded by stop_deadline_.
    asio::steady_timer pause(io_);
    while (std::any_of(clusters_.begin(), clusters_.end(),
                       [](const auto& kv) { return kv.second->watcher()->running(); }) ||
           !retiring_.empty()) {
        pause.expires_after(10ms);
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_await store_flushed();  // the delivery results
    if (ha_)
        co_await ha_->resign();  // last: a standby takes over with nothing left to repeat
    stop_deadline_.cancel();
}

void daemon::arm_metrics_sync() {
    metrics_timer_.expires_after(options_.metrics_interval);
    metrics_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopping_)
            return;
        sync_notification_metrics();
        // The HA gate also closes with time alone (no renewal confirmed for ttl/2).
        metrics_.set_leader(!ha_ || ha_->may_act());
        arm_metrics_sync();
    });
}

void daemon::sync_notification_metrics() {
    for (const auto& [name, c] : dispatcher_->counters()) {
        auto& seen = notification_seen_[name];
        for (; seen.delivered < c.delivered; ++seen.delivered)
            metrics_.record_notification(name, "delivered");
        for (; seen.retried < c.retried; ++seen.retried)
            metrics_.record_notification(name, "retry");
        for (; seen.dead_lettered < c.dead_lettered; ++seen.dead_lettered)
            metrics_.record_notification(name, "rejected");
        metrics_.set_outbox_pending(name, static_cast<double>(c.pending));
    }
}

void daemon::update_status() {
    const auto health = store_->health();
    metrics_.set_leader(!ha_ || ha_->may_act());
    systemd_.status((ha_ ? "HA " + ha_->status_line() + "; " : std::string()) +
                    std::to_string(clusters_.size()) + " cluster(s), " +
                    std::to_string(in_progress_) + " upgrade(s) in progress, " +
                    std::to_string(stalled_) + " stalled, " + std::to_string(blind_) + " blind" +
                    (health.degraded ? "; state store degraded: " + health.reason : ""));
}

web::daemon_view daemon::view() const {
    web::daemon_view v;
    v.version = sesmon::version;
    v.started_at = started_at_;
    v.now = clock_.wall_now();
    v.ready = first_round_pending_ == 0;
    if (ha_)
        v.ha = ha_->view();
    v.clusters.reserve(clusters_.size());
    for (const auto& [name, rt] : clusters_)
        v.clusters.push_back(rt->view(v.now));
    return v;
}

}  // namespace sesmon::daemon
