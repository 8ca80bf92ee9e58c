// tracker's side of the cluster's own OpenSearch view (SPEC §16): cluster_health_red and
// cluster_health_cleared, recovery_stuck, and what stall events carry of the view. See
// docs/events.md "Inside the cluster".
#include <algorithm>

#include "monitor/event_builder.hpp"
#include "monitor/tracker.hpp"
#include "monitor/upgrade_rules.hpp"

namespace sesmon::monitor {

namespace {

long long whole_seconds(duration d) {
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

}  // namespace

std::optional<cluster_insight> tracker::insight_of(const cluster_reading& r,
                                                   const std::string& hostname) const {
    cluster_insight out;
    out.current = true;
    out.read_at = r.read_at;
    out.health = r.health;
    out.shards = r.shards;
    out.recoveries = summarize_recoveries(r.recoveries);
    if (!hostname.empty()) {
        const opensearch_node* n = find_opensearch_node(r.nodes, hostname);
        out.node_in_cluster = n != nullptr;
        if (n)
            out.node_version = n->version;
    }
    if (state_.upgrade) {
        for (const node_record& n : state_.upgrade->nodes) {
            if (n.listed && classify_status(n.status) == node_phase::complete &&
                !find_opensearch_node(r.nodes, n.hostname))
                out.nodes_absent.push_back(n.hostname);
        }
    }
    return out;
}

std::optional<cluster_insight> tracker::insight(const std::string& hostname) const {
    if (!view_)
        return std::nullopt;
    if (view_->reading)
        return insight_of(*view_->reading, hostname);
    cluster_insight out;
    out.error = view_->error.empty() ? "not read yet" : view_->error;
    return out;
}

void tracker::emit_cluster_event(std::vector<event>& out, event e, const upgrade_identity& upgrade,
                                 std::uint64_t episode, duration span) {
    event_key key{.instance_no = cluster_.instance_no,
                  .action_date = upgrade.action_date,
                  .target_version = upgrade.target_version,
                  .type = e.type,
                  .hostname = {},
                  .status = {},
                  .episode = episode};
    emit(out, std::move(e), key, span);
}

std::vector<event> tracker::observe_cluster(const cluster_reading& reading, wall_time now) {
    std::vector<event> out;
    check_health(reading, now, out);
    check_recovery(reading, now, out);
    return out;
}

void tracker::check_health(const cluster_reading& r, wall_time now, std::vector<event>& out) {
    health_episode& red = state_.red;
    const bool is_red = r.health == "red";
    if (is_red && !red.open && upgrade_in_progress()) {
        red.open = true;
        ++red.number;
        red.since = now;
        red.upgrade = state_.upgrade->identity;
        dirty_ = true;
        event e = base_event(event_type::cluster_health_red, now);
        e.stall = stall_info{.reason = "cluster_health_red",
                             .stalled_for_seconds = 0,
                             .peer_median_seconds = 0,
                             .cluster = insight_of(r, {})};
        emit_cluster_event(out, std::move(e), red.upgrade, red.number, {});
    } else if (!is_red && red.open) {
        red.open = false;
        dirty_ = true;
        event e = base_event(event_type::cluster_health_cleared, now);
        e.stall = stall_info{.reason = "cluster_health_red",
                             .stalled_for_seconds = whole_seconds(now - red.since),
                             .peer_median_seconds = 0,
                             .cluster = insight_of(r, {})};
        emit_cluster_event(out, std::move(e), red.upgrade, red.number, now - red.since);
    }
}

void tracker::check_recovery(const cluster_reading& r, wall_time now, std::vector<event>& out) {
    recovery_watch& w = state_.recovery;
    const unsigned long long fingerprint = recovery_fingerprint(r.recoveries);
    if (fingerprint != w.fingerprint) {
        // Recoveries moved, began or ended: a stuck period (if any) is over.
        w.fingerprint = fingerprint;
        w.moved_at = fingerprint == 0 ? std::nullopt : std::optional<wall_time>(now);
        w.stuck = false;
        dirty_ = true;
        return;
    }
    const duration timeout = options_.stall.recovery_timeout;
    if (fingerprint == 0 || w.stuck || !w.moved_at || !enabled(timeout) || !upgrade_in_progress())
        return;
    const duration still = now - *w.moved_at;
    if (still < timeout)
        return;
    w.stuck = true;
    ++w.number;
    dirty_ = true;
    event e = base_event(event_type::recovery_stuck, now);
    e.stall = stall_info{.reason = "recovery_stuck",
                         .stalled_for_seconds = whole_seconds(still),
                         .peer_median_seconds = 0,
                         .cluster = insight_of(r, {})};
    emit_cluster_event(out, std::move(e), state_.upgrade->identity, w.number, still);
}

}  // namespace sesmon::monitor
