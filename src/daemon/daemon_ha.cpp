// daemon: membership of an HA group (SPEC §11; docs/daemon.md, "Roles"). The daemon runs the
// same way as alone, with two differences made here: its state store is the group's
// (etcd_store, fenced on the leadership), and its clusters poll and its dispatcher delivers
// only while this member leads. A standby keeps a read-only view of the group's clusters
// (standby_view, fed by the group's watch) and an idle dispatcher.
#include <spdlog/spdlog.h>

#include "daemon/daemon.hpp"
#include "daemon/ha_member.hpp"
#include "monitor/event_id.hpp"
#include "notify/dispatcher.hpp"
#include "state/store.hpp"

namespace sesmon::daemon {

void daemon::open_ha_store(std::unique_ptr<state::store> local) {
    local->on_health_change([this](const state::store_health&) { update_status(); });
    ha_ = std::make_unique<ha_member>(io_.get_executor(), *config_.ha, clock_, logger_,
                                      std::move(local));
    store_ = ha_->make_group_store();
    store_->on_health_change([this](const state::store_health& health) {
        alert_degraded(health);
        update_status();
    });
}

void daemon::alert_degraded(const state::store_health& health) {
    if (!health.refused) {
        degraded_alerted_ = false;  // the episode is over: the next one alerts again
        return;
    }
    if (degraded_alerted_ || stopping_ || !dispatcher_)
        return;
    degraded_alerted_ = true;
    const ha_config& ha = *config_.ha;
    event e;
    e.type = event_type::monitor_degraded;
    e.occurred_at = clock_.wall_now();
    e.cluster = {"ha:" + ha.prefix, "", ""};
    e.error = health.reason;
    const auto since =
        std::chrono::duration_cast<std::chrono::seconds>(e.occurred_at.time_since_epoch());
    e.id = monitor::make_event_id(
        {e.cluster.name, "", "", e.type, ha.member, "", static_cast<std::uint64_t>(since.count())});
    e.summary = "HA group " + ha.prefix + " (member " + ha.member + "): " + health.reason +
                "; alerts wait until etcd accepts the group's writes again";
    std::vector<std::string> everyone;
    for (const auto& n : config_.notifiers)
        everyone.push_back(n.name);
    // Not durable (the store refuses): from memory, like a degraded store's events.
    dispatcher_->enqueue(e, dispatcher_->route(e, everyone));
    metrics_.record_event(to_string(e.type));
}

void daemon::start_ha() {
    metrics_.set_leader(false);
    ha_->start({[this](state::initial_state initial) { become_leader(std::move(initial)); },
                [this](const std::string& reason) { become_standby(reason); },
                [this](const state::cluster_record& c) { show_group_cluster(c); },
                [this](const std::vector<state::discovered_record>& known) {
                    show_group_discovered(known);
                },
                [this] { update_status(); }});
}

void daemon::become_leader(state::initial_state initial) {
    if (stopping_ || ha_active_)
        return;
    logger_->info("HA: taking over: {} cluster(s) in the group's state, {} deliveries pending",
                  initial.clusters.size(), initial.pending.size());
    // The read-only views go; the clusters start again from the group's state.
    for (const auto& [name, view] : views_)
        count_flags(view->flags(), -1);
    views_.clear();
    ha_active_ = true;
    dispatcher_ = make_dispatcher(std::move(initial.pending));
    dispatcher_->start();
    std::map<std::string, monitor::cluster_state> restored;
    for (auto& c : initial.clusters)
        restored.insert_or_assign(c.instance_no, std::move(c.state));
    // Discovery's known set is the group's: what it adds joins config_.clusters (and starts
    // below with its state); listings are this member's from now on.
    discovery_->adopt(initial.discovered);
    awaiting_first_listing_ = config_.discovery.enabled;
    discovery_->set_listing(true);
    awaiting_first_poll_.clear();  // a standby had none; the clusters' first round counts
    for (const auto& c : config_.clusters)
        awaiting_first_poll_.insert(c.name);
    for (const auto& c : config_.clusters) {
        auto it = restored.find(c.instance_no);
        start_cluster(c, it != restored.end() ? std::move(it->second) : monitor::cluster_state{});
    }
    update_status();
}

void daemon::become_standby(const std::string& reason) {
    if (!ha_active_)
        return;
    ha_active_ = false;
    discovery_->set_listing(false);  // the next leader lists; the known set stays as views
    logger_->warn(
        "HA: handing over: {} cluster(s) no longer polled here, deliveries left to the "
        "next leader ({})",
        clusters_.size(), reason);
    if (stopping_) {
        // finish_stop() is awaiting this dispatcher: keep it. Its fenced notifiers send
        // nothing any more, and the watchers were stopped already.
        update_status();
        return;
    }
    std::vector<std::string> names;
    for (const auto& [name, rt] : clusters_)
        names.push_back(name);
    for (const auto& name : names)
        stop_cluster(name, {}, false);
    // The old dispatcher's lanes close with it (what they had is pending in the group).
    dispatcher_ = make_dispatcher({});
    dispatcher_->start();
    awaiting_first_poll_.clear();  // a standby has no first round to wait for
    for (const auto& c : config_.clusters)
        add_group_view(c);
    update_status();
}

// A standby exports no per-cluster series (it polls nothing): a view touches no metrics.
void daemon::add_group_view(const cluster_config& c) {
    const auto& group = ha_->group_clusters();
    const auto it = group.find(c.instance_no);
    auto view = std::make_unique<standby_view>(
        c, tracking(), it != group.end() ? it->second.state : monitor::cluster_state{});
    count_flags(view->flags(), +1);
    fleet_.update(view->fleet_row(), true, clock_.wall_now());
    views_[c.name] = std::move(view);
}

void daemon::show_group_discovered(const std::vector<state::discovered_record>& known) {
    if (ha_active_ || stopping_)
        return;  // the leader's own set: it changed it
    discovery_->adopt(known);
}

void daemon::show_group_cluster(const state::cluster_record& record) {
    if (ha_active_ || stopping_)
        return;
    for (const auto& c : config_.clusters) {
        const auto it = c.instance_no == record.instance_no ? views_.find(c.name) : views_.end();
        if (it == views_.end())
            continue;
        const auto before = it->second->flags();
        it->second->refresh(record.state);
        fleet_.update(it->second->fleet_row(), true, clock_.wall_now());
        count_flags(before, -1);
        count_flags(it->second->flags(), +1);
        if (it->second->flags() != before)
            update_status();
    }
}

}  // namespace sesmon::daemon
