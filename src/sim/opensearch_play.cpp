#include "sim/opensearch_play.hpp"

#include <algorithm>

namespace sesmon::sim {

namespace {

constexpr long long shard_bytes = 1LL << 30;  // each recovering copy: 1 GiB

bool holds_shards(const std::string& role) {
    return role == "D" || role == "DO";
}

bool listed_in(const std::vector<std::string>& hosts, const std::string& host) {
    return std::find(hosts.begin(), hosts.end(), host) != hosts.end();
}

// The scenario's node a view node stands for (a replaced node shows its new name).
const node_spec* spec_of(const cluster_spec& c, const node_view& n) {
    for (const node_spec& s : c.nodes) {
        if (s.hostname == n.hostname)
            return &s;
    }
    if (c.upgrade) {
        for (const auto& [host, plan] : c.upgrade->nodes) {
            if (plan.replaced_by == n.hostname) {
                for (const node_spec& s : c.nodes) {
                    if (s.hostname == host)
                        return &s;
                }
            }
        }
    }
    return nullptr;
}

void add_recoveries(cluster_reading& r, const std::string& target, int shards, double percent) {
    for (int i = 0; i < shards; ++i) {
        shard_recovery s;
        s.index = "sim-logs";
        s.shard = std::to_string(r.recoveries.size());
        s.stage = "index";
        s.target_node = target;
        s.bytes_percent = percent;
        s.bytes_total = shard_bytes;
        s.bytes_recovered = static_cast<long long>(percent / 100.0 * double(shard_bytes));
        s.files_recovered = static_cast<long long>(percent);
        r.recoveries.push_back(std::move(s));
    }
}

}  // namespace

opensearch_state play_opensearch(const cluster_spec& c, const opensearch_spec& os,
                                 const cluster_view& v, wall_time now,
                                 const opensearch_overrides& overrides) {
    opensearch_state out;
    cluster_reading& r = out.reading;
    r.read_at = now;
    const auto in_window = [now](const std::vector<time_window>& windows) {
        return std::any_of(windows.begin(), windows.end(),
                           [now](const time_window& w) { return w.contains(now); });
    };
    out.unreachable = overrides.unreachable.value_or(in_window(os.unreachable));

    if (!v.shows_upgrade) {
        for (const node_spec& n : c.nodes)
            r.nodes.push_back({n.hostname, version_name(v.version_code)});
    } else {
        const wall_time recovery_now =
            overrides.recovery_frozen_at ? std::min(now, *overrides.recovery_frozen_at) : now;
        for (const node_view& n : v.nodes) {
            const node_spec* spec = spec_of(c, n);
            const bool data = holds_shards(n.role);
            const bool absent = listed_in(os.absent_nodes, n.hostname) ||
                                (spec && listed_in(os.absent_nodes, spec->hostname));
            if (n.status == c.pending_word) {
                r.nodes.push_back({n.hostname, version_name(v.current_version)});
            } else if (n.status == c.complete_word) {
                if (!absent)
                    r.nodes.push_back({n.hostname, version_name(v.target_version)});
                if (!data)
                    continue;
                const bool stuck =
                    os.stuck_recovery_node && (*os.stuck_recovery_node == n.hostname ||
                                               (spec && *os.stuck_recovery_node == spec->hostname));
                const auto elapsed = std::max(recovery_now - n.updated, std::chrono::seconds(0));
                if (!stuck && elapsed >= os.recovery)
                    continue;
                if (absent) {  // its copies cannot come back to a node that is not there
                    r.shards.unassigned += os.shards_per_node;
                    continue;
                }
                double percent = 100.0 * std::chrono::duration<double>(elapsed).count() /
                                 std::chrono::duration<double>(os.recovery).count();
                percent = std::min(percent, stuck ? os.stuck_recovery_percent : 99.9);
                r.shards.initializing += os.shards_per_node;
                add_recoveries(r, n.hostname, os.shards_per_node, percent);
            } else if (data) {  // restarting, or failed: its copies are unassigned
                r.shards.unassigned += os.shards_per_node;
            }
        }
    }
    r.number_of_nodes = static_cast<int>(r.nodes.size());
    if (overrides.red.value_or(in_window(os.red))) {
        r.health = "red";
        r.shards.unassigned += 1;  // a primary
    } else if (r.shards.unassigned > 0 || r.shards.initializing > 0) {
        r.health = "yellow";
    } else {
        r.health = "green";
    }

    switch (overrides.snapshot.value_or(os.snapshot)) {
        case opensearch_spec::snapshot_kind::fresh:
            out.snapshot_end = now - std::chrono::minutes(30);
            break;
        case opensearch_spec::snapshot_kind::none:
            break;
        case opensearch_spec::snapshot_kind::at:
            out.snapshot_end = overrides.snapshot ? overrides.snapshot_at : os.snapshot_at;
            break;
    }
    return out;
}

}  // namespace sesmon::sim
