#include "monitor/summary.hpp"

#include "common/time_format.hpp"

namespace sesmon::monitor {
namespace {

std::string versions(const upgrade_info& u) {
    return u.from_version + " → " + u.to_version;
}

std::string seconds_text(long long seconds) {
    return common::format_duration(std::chrono::seconds(seconds));
}

std::string node_text(const event& e) {
    return e.node ? "node " + e.node->hostname : "node ?";
}

std::string stall_text(const event& e) {
    const long long for_s = e.stall ? e.stall->stalled_for_seconds : 0;
    if (e.stall && e.stall->reason == "node_stage_timeout" && e.node) {
        return node_text(e) + " stuck in " + e.node->status + " for " + seconds_text(for_s);
    }
    if (e.stall && e.stall->reason == "slower_than_peers" && e.node) {
        return node_text(e) + " slower than its peers: in " + e.node->status + " for " +
               seconds_text(for_s) + " (complete nodes' median " +
               seconds_text(e.stall->peer_median_seconds) + ")";
    }
    return "no node changed status for " + seconds_text(for_s);
}

std::string body(const event& e, duration span) {
    switch (e.type) {
        case event_type::upgrade_started:
            return "upgrade started";
        case event_type::node_changed:
            if (!e.node)
                return "node changed";
            if (e.node->previous_status.empty()) {
                return node_text(e) + " appeared as " + e.node->status;
            }
            return node_text(e) + " " + e.node->previous_status + " → " + e.node->status;
        case event_type::upgrade_finished: {
            std::string text = "upgrade finished";
            if (e.upgrade && e.upgrade->started_at && e.upgrade->finished_at) {
                text += " in " +
                        common::format_duration(*e.upgrade->finished_at - *e.upgrade->started_at);
            }
            return text;
        }
        case event_type::upgrade_failed:
            return node_text(e) + " failed with status " + (e.node ? e.node->status : "?");
        case event_type::upgrade_stalled:
            return stall_text(e);
        case event_type::stall_cleared:
            return "upgrade moving again after " +
                   seconds_text(e.stall ? e.stall->stalled_for_seconds : 0) + " stalled";
        case event_type::upgrade_vanished:
            return "upgrade disappeared from the API before finishing";
        case event_type::monitor_blind:
            return "no successful poll for " + common::format_duration(span) +
                   (e.error && !e.error->empty() ? ": " + *e.error : std::string());
        case event_type::monitor_recovered:
            return "polling works again after " + common::format_duration(span) +
                   " without a successful poll";
        case event_type::monitor_degraded:
            return "the group's store refuses writes" +
                   (e.error && !e.error->empty() ? ": " + *e.error : std::string()) +
                   "; alerts wait until it accepts them again";
        case event_type::upgrade_unplanned:
            return "upgrade started outside its maintenance windows";
        case event_type::cluster_health_red:
            return "cluster health is red during the upgrade";
        case event_type::cluster_health_cleared:
            return "cluster health no longer red (" +
                   (e.stall && e.stall->cluster && !e.stall->cluster->health.empty()
                        ? e.stall->cluster->health
                        : std::string("?")) +
                   ") after " + common::format_duration(span);
        case event_type::recovery_stuck:
            return "shard recoveries made no progress for " +
                   seconds_text(e.stall ? e.stall->stalled_for_seconds : 0);
    }
    return std::string(to_string(e.type));
}

}  // namespace

std::string progress_suffix(const event& e) {
    if (!e.upgrade)
        return {};
    return " (" + versions(*e.upgrade) + ", " + std::to_string(e.upgrade->nodes_complete) + "/" +
           std::to_string(e.upgrade->nodes_total) + " nodes done)";
}

std::string describe_insight(const cluster_insight& c, const std::string& node) {
    if (!c.current)
        return "OpenSearch view unavailable (" + c.error + ")";
    std::string text = "OpenSearch " + c.health + ", shards " +
                       std::to_string(c.shards.initializing) + " initializing, " +
                       std::to_string(c.shards.relocating) + " relocating, " +
                       std::to_string(c.shards.unassigned) + " unassigned";
    if (c.recoveries.count > 0) {
        text += ", " + std::to_string(c.recoveries.count) + " recoveries " +
                std::to_string(static_cast<int>(c.recoveries.percent_done)) + "% done";
    }
    if (c.node_in_cluster && !node.empty()) {
        text += *c.node_in_cluster ? ", " + node + " on " + c.node_version
                                   : ", " + node + " not in _cat/nodes";
    }
    if (!c.nodes_absent.empty()) {
        std::string names;
        for (const auto& n : c.nodes_absent)
            names += (names.empty() ? "" : ", ") + n;
        text += ", complete but not in _cat/nodes: " + names;
    }
    return text;
}

std::string summarize(const event& e, duration span) {
    const bool with_progress = e.type != event_type::monitor_blind &&
                               e.type != event_type::monitor_recovered &&
                               e.type != event_type::monitor_degraded;
    std::string text =
        e.cluster.name + ": " + body(e, span) + (with_progress ? progress_suffix(e) : "");
    if (e.stall && e.stall->cluster)
        text += "; " + describe_insight(*e.stall->cluster, e.node ? e.node->hostname : "");
    return text;
}

}  // namespace sesmon::monitor
