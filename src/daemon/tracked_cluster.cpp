#include "daemon/tracked_cluster.hpp"

#include <algorithm>

#include "common/time_format.hpp"
#include "monitor/event_builder.hpp"
#include "state/history.hpp"

namespace sesmon::daemon {

namespace {

cluster_ref ref_of(const cluster_config& c) {
    return {c.name, c.instance_no, c.region, c.labels};
}

monitor::tracker_options tracker_options_of(const cluster_config& c,
                                            std::chrono::seconds zone_offset,
                                            duration eta_node_prior) {
    return {c.stall, zone_offset, eta_node_prior};
}

long long seconds_since(wall_time since, wall_time now) {
    return since > now ? 0 : (now - since).count();
}

}  // namespace

tracked_cluster::tracked_cluster(cluster_config cluster, tracking_options options,
                                 monitor::cluster_state state)
    : cluster_(std::move(cluster)),
      options_(options),
      tracker_(ref_of(cluster_),
               tracker_options_of(cluster_, options_.zone_offset, options_.eta_node_prior),
               std::move(state)) {}

cluster_flags tracked_cluster::flags() const {
    const auto& st = tracker_.state();
    return {tracker_.upgrade_in_progress(), st.upgrade && st.upgrade->stall.open, st.blind.open};
}

const std::string& tracked_cluster::history_id() const {
    const auto& upgrade = tracker_.state().upgrade;
    if (!upgrade) {
        history_id_.clear();
        history_id_of_.reset();
    } else if (history_id_of_ != upgrade->identity) {
        // The id events carry: their action_date is formatted at the API's zone offset.
        const auto info = monitor::make_upgrade_info(*upgrade, options_.zone_offset);
        history_id_ = state::upgrade_id(cluster_.instance_no, info.action_date, info.to_version);
        history_id_of_ = upgrade->identity;
    }
    return history_id_;
}

std::optional<wall_time> tracked_cluster::expected_finish() const {
    return tracker_.expected_finish(options_.decision_clock->now());
}

void tracked_cluster::reconfigure(const cluster_config& cluster, std::chrono::seconds zone_offset,
                                  duration eta_node_prior) {
    cluster_ = cluster;
    options_.zone_offset = zone_offset;
    options_.eta_node_prior = eta_node_prior;
    history_id_of_.reset();
    tracker_.set_options(tracker_options_of(cluster_, zone_offset, eta_node_prior));
    tracker_.set_cluster(ref_of(cluster_));
}

web::cluster_view tracked_cluster::view(wall_time now) const {
    web::cluster_view v;
    v.name = cluster_.name;
    v.instance_no = cluster_.instance_no;
    v.region = cluster_.region;
    v.discovered = cluster_.discovered;
    v.labels = cluster_.labels;
    const auto& st = tracker_.state();
    v.upgrade_in_progress = tracker_.upgrade_in_progress();
    if (st.upgrade) {
        const auto& u = *st.upgrade;
        v.from_version = u.from_version;
        v.to_version = u.to_version;
        const auto parsed = common::parse_api_date(u.identity.action_date, options_.zone_offset);
        v.action_date =
            parsed ? common::format_rfc3339(*parsed, options_.zone_offset) : u.identity.action_date;
        v.started_at = u.started_at;
        v.finished_at = u.finished_at;
        v.upgrade_id = history_id();
        v.expected_finish = expected_finish();
        v.nodes_total = u.node_count;
        v.nodes_complete = u.nodes_complete;
        for (const auto& n : u.nodes) {
            if (!n.listed)
                continue;
            web::node_view nv;
            nv.hostname = n.hostname;
            nv.role = n.role;
            nv.status = n.status;
            const auto phase = classify_status(n.status);
            nv.phase = std::string(to_string(phase));
            nv.status_since = n.since;
            nv.seconds_in_status = seconds_since(n.since, now);
            if (phase == node_phase::failed)
                v.failed = true;
            v.nodes.push_back(std::move(nv));
        }
        if (u.stall.open) {
            v.stalled = true;
            v.stall_reason = u.stall.reason;
            v.stalled_for_seconds = seconds_since(u.stall.since, now);
            v.stall_node = u.stall.hostname;
        }
    }
    v.blind = st.blind.open;
    v.last_success_at = st.blind.last_success;
    return v;
}

web::fleet_row tracked_cluster::fleet_row() const {
    const auto& st = tracker_.state();
    web::fleet_row row;
    row.name = cluster_.name;
    row.instance_no = cluster_.instance_no;
    row.labels = cluster_.labels;
    if (st.upgrade) {
        row.facts.failed =
            std::any_of(st.upgrade->nodes.begin(), st.upgrade->nodes.end(), [](const auto& n) {
                return n.listed && classify_status(n.status) == node_phase::failed;
            });
        row.facts.stalled = st.upgrade->stall.open;
        row.facts.finished_at = st.upgrade->finished_at;
    }
    row.facts.blind = st.blind.open;
    row.facts.upgrading = tracker_.upgrade_in_progress();
    if (row.facts.stalled)
        row.since = st.upgrade->stall.since;
    else if (row.facts.blind)
        row.since = st.blind.opened_at;
    if (row.facts.upgrading)
        row.eta = expected_finish();
    return row;
}

}  // namespace sesmon::daemon
