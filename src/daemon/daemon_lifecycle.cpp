// daemon: stop (SIGTERM/SIGINT), status surfaces. Reload (SIGHUP) is in daemon_reload.cpp.
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>

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

void daemon::begin_stop() {
    if (stopping_)
        return;
    stopping_ = true;
    if (ha_)
        ha_->stop_campaigning();  // a standby must not take over now; a leader keeps its lease
    systemd_.stopping();
    systemd_.stop_watchdog();
    wait_second_signal();
    discovery_->stop();
    for (auto& [name, rt] : clusters_)
        rt->stop();
    for (auto& [raw, rt] : retiring_)
        rt->stop();
    if (server_)
        server_->stop();
    feed_.stop();              // waiting long polls answer now
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
        exit_now();
    });
    asio::co_spawn(io_, finish_stop(), [this](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                logger_->error("stop failed: {}", ex.what());
            }
            signals_.cancel();
        }
    });
}

// During the stop a second SIGTERM/SIGINT (an operator pressing Ctrl-C twice, `systemctl
// kill` after `stop`) ends the event loop at once: what was not delivered stays pending in
// the store for the next start.
void daemon::wait_second_signal() {
    signals_.async_wait([this](boost::system::error_code ec, int signo) {
        if (ec)
            return;
        if (signo == SIGHUP) {
            logger_->info("SIGHUP while stopping: ignored");
            wait_second_signal();
            return;
        }
        logger_->warn("second {} while stopping: exiting now; undelivered events stay queued",
                      signo == SIGTERM ? "SIGTERM" : "SIGINT");
        exit_now();
    });
}

void daemon::exit_now() {
    unclean_ = true;
    // What the store has queued gets its commit if the disk answers within a second; if not,
    // the next start recovers as from a SIGKILL (SPEC §6: both or neither).
    const auto stop = [this] { io_.stop(); };
    store_->flush(stop);
    stop_deadline_.expires_after(1s);
    stop_deadline_.async_wait([stop](boost::system::error_code ec) {
        if (!ec)
            stop();
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
    const auto polling = [](const auto& kv) { return kv.second->running(); };
    asio::steady_timer pause(io_);
    while (std::any_of(clusters_.begin(), clusters_.end(), polling) || !retiring_.empty() ||
           discovery_->running()) {
        pause.expires_after(10ms);
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_await store_flushed();  // the delivery results
    if (ha_)
        co_await ha_->resign();  // last: a standby takes over with nothing left to repeat
    stop_deadline_.cancel();
    signals_.cancel();  // no second signal to wait for: the loop may end
}

void daemon::arm_metrics_sync() {
    metrics_timer_.expires_after(options_.metrics_interval);
    metrics_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopping_)
            return;
        sync_notification_metrics();
        // An HA term also lapses with time alone (no renewal confirmed for ttl/2).
        metrics_.set_leader(!ha_ || ha_->may_act());
        fleet_.expire(clock_.wall_now());  // finished upgrades leave the 24 h window
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
                    std::to_string(watched_count()) + " cluster(s), " +
                    std::to_string(in_progress_) + " upgrade(s) in progress, " +
                    std::to_string(stalled_) + " stalled, " + std::to_string(blind_) + " blind" +
                    (health.degraded ? "; state store degraded: " + health.reason : ""));
}

web::daemon_view daemon::view_header() const {
    web::daemon_view v;
    v.version = sesmon::version;
    v.started_at = started_at_;
    v.now = clock_.wall_now();
    v.ready = ready();
    if (ha_)
        v.ha = ha_->view();
    return v;
}

std::optional<web::cluster_view> daemon::cluster_view(const std::string& name) const {
    const tracked_cluster* t = find_tracked(name);
    if (t == nullptr)
        return std::nullopt;
    return t->view(clock_.wall_now());
}

web::daemon_view daemon::view() const {
    web::daemon_view v = view_header();
    v.clusters.reserve(watched_count());
    for_each_tracked([&](const tracked_cluster& t) { v.clusters.push_back(t.view(v.now)); });
    return v;
}

}  // namespace sesmon::daemon
