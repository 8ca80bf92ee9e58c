// daemon: SIGHUP. A reload is all-or-nothing: every new part that can fail (the API client,
// the notifiers, a status server on a new address) is built while the running ones keep
// working, and only when all of them exist is anything swapped. A reload that fails logs one
// error line and leaves the daemon exactly as it was.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/system/system_error.hpp>
#include <set>

#include "common/time_format.hpp"
#include "config/load.hpp"
#include "config/readiness.hpp"
#include "daemon/daemon.hpp"
#include "daemon/ha_member.hpp"
#include "net/http_server.hpp"
#include "notify/client_pool.hpp"
#include "notify/dispatcher.hpp"
#include "notify/factory.hpp"
#include "state/store.hpp"
#include "web/routes.hpp"

namespace sesmon::daemon {

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

void daemon::apply(sesmon::config next) {
    // 1. Build. Each step may throw; none changes what runs.
    auto client = source_->prepare(next.api);
    std::map<std::string, std::unique_ptr<sesmon::notifier>> notifiers;
    for (const auto& nc : next.notifiers)
        notifiers[nc.name] = build_notifier(nc, next.logging.format);
    const bool silences_changed = next.alertmanager != config_.alertmanager;
    auto silences = silences_changed ? make_silences(next.alertmanager) : nullptr;
    auto server = prepare_server(next.server);  // last: it may already listen

    // 2. Swap. Nothing below throws: the dispatcher's factory hands out the notifiers just
    //    built, kept `log` notifiers included (so they write in the new logging.format).
    prebuilt_notifiers_ = std::move(notifiers);
    dispatcher_->reconfigure(next.notifiers);
    dispatcher_->set_routes(next.routes);
    prebuilt_notifiers_.clear();
    forget_removed_notifiers(next.notifiers);
    source_->install(std::move(client));
    if (silences_changed) {
        // Kept clusters move to the new manager; their records stay as they are (a silence
        // made through the old URL is found again by its comment only if it is the same
        // Alertmanager).
        for (auto& [name, rt] : clusters_)
            rt->set_silence_manager(silences.get());
        if (silences_)
            silences_->close();
        silences_ = std::move(silences);
        logger_->info("alertmanager: {}", silences_ ? "silences on, to " + next.alertmanager->url
                                                    : std::string("silences off"));
    }
    swap_server(std::move(server), next.server);
    apply_logging(*logger_, next.logging, options_.log);
    limiter_->set_limits({next.api.max_requests_per_second, next.api.max_in_flight});
    opensearch_limiter_->set_limits({next.api.max_requests_per_second, next.api.max_in_flight});
    discovery_->extend(next);  // appends the discovered clusters: the steps below cover them
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
    std::vector<std::string> to_stop;
    for_each_tracked([&](const tracked_cluster& t) {
        const auto it = std::find_if(next.clusters.begin(), next.clusters.end(),
                                     [&](const auto& c) { return c.name == t.config().name; });
        if (it == next.clusters.end() || it->instance_no != t.config().instance_no)
            to_stop.push_back(t.config().name);
    });
    for (const auto& name : to_stop) {
        warn_of_a_silence_left(name, next.clusters);
        stop_cluster(name);
        ++removed;
    }
    // The API's zone and the ETA's prior apply to every cluster's tracker.
    const bool zone_changed = next.api.time_zone_offset != config_.api.time_zone_offset ||
                              next.eta.node_prior != config_.eta.node_prior;
    config_.api.time_zone_offset = next.api.time_zone_offset;
    config_.eta = next.eta;
    // start_cluster reads the cluster count, and load_and_start_cluster finds each new one
    // here when its stored state arrives. (Once, not per added cluster: thousands added
    // would otherwise copy the list thousands of times.)
    config_.clusters = next.clusters;
    for (const auto& c : next.clusters) {
        tracked_cluster* kept = find_tracked(c.name);
        if (kept == nullptr) {
            // Still being read from the store (an earlier reload added it): the same
            // configuration is on its way; another one is read again and wins.
            const auto loading = loading_.find(c.name);
            if (loading != loading_.end() && loading->second == c)
                continue;
            ++(loading != loading_.end() ? changed : added);
            load_and_start_cluster(c);
        } else if (!(kept->config() == c) || zone_changed) {
            kept->reconfigure(c, next.api.time_zone_offset, next.eta.node_prior);
            if (clusters_.count(c.name) != 0)  // a standby's view has no series
                metrics_.set_discovered(c.name, c.discovered);
            logger_->info("cluster {}: configuration updated", c.name);
            ++changed;
        }
    }
    next.source_path = config_.source_path;
    config_ = std::move(next);
    logger_->info("reloaded: {} cluster(s) added, {} removed, {} changed, {} watched", added,
                  removed, changed, watched_count());
    log_readiness();
}

void daemon::log_readiness() const {
    const auto found = config_file::check_readiness(config_);
    const std::string& file = config_.source_path;
    for (const auto& problem : found.errors) {
        logger_->warn("{} (check-config fails on this; the daemon runs with it)",
                      config_file::error::format(file, problem));
    }
    for (const auto& problem : found.warnings)
        logger_->warn("{}", config_file::error::format(file, problem));
}

notify::notifier_factory daemon::notifier_factory() {
    return [this](const notifier_config& nc) -> std::unique_ptr<sesmon::notifier> {
        if (auto it = prebuilt_notifiers_.find(nc.name); it != prebuilt_notifiers_.end()) {
            auto built = std::move(it->second);
            prebuilt_notifiers_.erase(it);
            return built;
        }
        return build_notifier(nc, config_.logging.format);
    };
}

std::unique_ptr<sesmon::notifier> daemon::build_notifier(const notifier_config& nc,
                                                         log_format format) {
    notify::notifier_deps deps;
    deps.executor = io_.get_executor();
    deps.clock = &clock_;
    deps.logger = logger_;
    deps.log_format = format;
    deps.http_client_for = [this](const std::string& ca) -> http_client& {
        return webhook_clients_->client_for(ca);
    };
    auto made = notify::make_notifier(nc, deps);
    return ha_ ? ha_->fence(std::move(made)) : std::move(made);  // HA: the leader alone sends
}

// A cluster no longer watched at all (its instance number is in no cluster of `next`; a
// renamed one keeps its record and its silence) may leave an active silence behind: nobody
// ends it at a failure now. Said once, with what to do; the silence lapses at its endsAt.
void daemon::warn_of_a_silence_left(const std::string& name,
                                    const std::vector<cluster_config>& next) {
    const auto it = clusters_.find(name);
    if (it == clusters_.end())
        return;
    const auto& silence = it->second->silence();
    if (!silence || !silence->active || silence->silence_id.empty())
        return;
    const std::string& instance_no = it->second->config().instance_no;
    if (std::any_of(next.begin(), next.end(),
                    [&](const cluster_config& c) { return c.instance_no == instance_no; }))
        return;
    logger_->warn(
        "cluster {}: no longer watched, and its Alertmanager silence {} stays until {} "
        "(nothing ends it at a failure now: expire it in Alertmanager if its alerts matter)",
        name, silence->silence_id, common::format_rfc3339_utc(silence->ends_at));
}

// A removed notifier's series leave /metrics, and its delivery counts are forgotten: a
// notifier of that name added back later starts from zero, as its new queue does.
void daemon::forget_removed_notifiers(const std::vector<notifier_config>& next) {
    std::set<std::string> kept;
    for (const auto& nc : next)
        kept.insert(nc.name);
    for (const auto& nc : config_.notifiers) {
        if (!kept.contains(nc.name)) {
            metrics_.remove_notifier(nc.name);
            notification_seen_.erase(nc.name);
        }
    }
}

void daemon::start_server() {
    if (config_.server.listen.empty())
        return;
    ensure_router();
    server_ = bind_server(config_.server.listen);
}

void daemon::ensure_router() {
    if (router_)
        return;
    router_ = std::make_unique<web::router>(
        [this] { return view(); }, metrics_, config_.server.auth_token,
        [this] {
            if (ha_)
                return ha_->readiness(ready(), ha_active_);
            const auto health = store_->health();
            return web::readiness{ready(),
                                  health.degraded ? "state store degraded: " + health.reason : ""};
        },
        true,  // each cluster_runtime sets its own gauges after every poll
        history_.get());
    web::fleet_api_deps fleet;
    fleet.index = &fleet_;
    fleet.feed = &feed_;
    fleet.header = [this] { return view_header(); };
    fleet.whole = [this] { return view(); };
    fleet.cluster = [this](const std::string& name) { return cluster_view(name); };
    fleet.expire = [this] { fleet_.expire(clock_.wall_now()); };
    router_->set_fleet(std::move(fleet));
}

std::unique_ptr<net::http_server> daemon::bind_server(const std::string& listen) {
    net::http_server_options o;
    o.listen = listen;
    auto server =
        std::make_unique<net::http_server>(io_.get_executor(), o, router_->handler(), logger_);
    server->start();
    return server;
}

daemon::server_change daemon::prepare_server(const server_config& next) {
    server_change change;
    change.listen_changed = next.listen != config_.server.listen;
    if (!change.listen_changed || next.listen.empty())
        return change;
    ensure_router();
    try {
        change.server = bind_server(next.listen);
    } catch (const boost::system::system_error& e) {
        // The new address may overlap the old one on the same port (127.0.0.1:9717 →
        // 0.0.0.0:9717): free the old one and try again; if that fails too, take the old
        // address back (same port) and give up.
        const auto host_of = [](const std::string& listen) {
            return listen.substr(0, listen.rfind(':'));
        };
        const std::string port = server_ ? std::to_string(server_->port()) : "";
        if (e.code() != boost::asio::error::address_in_use || !server_ ||
            next.listen.substr(next.listen.rfind(':') + 1) != port)
            throw;
        server_->stop();
        server_.reset();
        try {
            change.server = bind_server(next.listen);
        } catch (const std::exception&) {
            server_ = bind_server(host_of(config_.server.listen) + ":" + port);
            throw;
        }
    }
    return change;
}

void daemon::swap_server(server_change change, const server_config& next) {
    if (router_)
        router_->set_auth_token(next.auth_token);
    if (!change.listen_changed)
        return;
    if (server_)
        server_->stop();  // its connections finish on their own; router_ stays for them
    server_ = std::move(change.server);
    if (server_) {
        logger_->info("status server now on {}://{} (port {})", server_->scheme(), next.listen,
                      server_->port());
    } else {
        logger_->info("status server off");
    }
}

}  // namespace sesmon::daemon
