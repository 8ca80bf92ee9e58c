#pragma once
// The events the notify tests (and docs/webhooks.md's examples) are made of.
#include <chrono>

#include "sesmon/event.hpp"

namespace sesmon::notify::test {

using namespace std::chrono_literals;

// 2026-11-26T20:01:02Z
inline wall_time sample_time() {
    return std::chrono::sys_days(std::chrono::year(2026) / 11 / 26) + 20h + 1min + 2s;
}

// SPEC §5's example: prod-logs, node prod-logs-do-6tnm stuck in Upgrade_OpenSearch for 47m.
inline event stalled_event() {
    event e;
    e.id = "9f2c4e1ab0d37c55e2a1f4b6d8c90e13a7b5c2d4e6f8091a2b3c4d5e6f708192";
    e.type = event_type::upgrade_stalled;
    e.occurred_at = sample_time();
    e.summary =
        "prod-logs: node prod-logs-do-6tnm stuck in Upgrade_OpenSearch for 47m (2140 \u2192 "
        "2150, 3/8 nodes done)";
    e.cluster = {"prod-logs", "1037123456", "KR", {{"team", "search"}, {"env", "prod"}}};
    upgrade_info u;
    u.from_version = "2140";
    u.to_version = "2150";
    u.action_date = "2026-11-27T03:01:02+09:00";
    u.nodes_total = 8;
    u.nodes_complete = 3;
    u.started_at = sample_time() - 2h;
    u.expected_finish = sample_time() + 1h + 12min + 58s;  // 2026-11-26T21:14:00Z
    e.upgrade = u;
    node_info n;
    n.hostname = "prod-logs-do-6tnm";
    n.role = "DO";
    n.status = "Upgrade_OpenSearch";
    n.previous_status = "running";
    n.status_since = sample_time() - 47min;
    e.node = n;
    e.stall = stall_info{"node_stage_timeout", 2820};
    return e;
}

// recovery_stuck of the same upgrade, with the cluster's OpenSearch view (SPEC §16).
inline event recovery_stuck_event() {
    event e = stalled_event();
    e.id = "4b1d5e0c2a7f93e68d1c0b5a4f3e2d1c0b9a8f7e6d5c4b3a29180f7e6d5c4b3a";
    e.type = event_type::recovery_stuck;
    e.node.reset();
    e.summary =
        "prod-logs: shard recoveries made no progress for 15m (2140 \u2192 2150, 3/8 nodes done); "
        "OpenSearch yellow, shards 6 initializing, 0 relocating, 6 unassigned, 6 recoveries 41% "
        "done";
    cluster_insight c;
    c.current = true;
    c.read_at = sample_time() - 12s;
    c.health = "yellow";
    c.shards = {6, 0, 6};
    c.recoveries = {6, 41.25};
    e.stall = stall_info{"recovery_stuck", 900, 0, c};
    return e;
}

// A plain event of `type` for `cluster`, with a distinct id.
inline event simple_event(std::string id, std::string cluster, event_type type,
                          wall_time at = sample_time()) {
    event e;
    e.id = std::move(id);
    e.type = type;
    e.occurred_at = at;
    e.summary = cluster + ": " + std::string(to_string(type));
    e.cluster = {cluster, "1037" + std::to_string(cluster.size()), "KR"};
    return e;
}

}  // namespace sesmon::notify::test
