#pragma once
// event: something a person should hear about (SPEC §4), with everything a notifier needs to
// render it. Produced by monitor::tracker, consumed by notify::dispatcher.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/labels.hpp"
#include "sesmon/opensearch.hpp"
#include "sesmon/time.hpp"

namespace sesmon {

enum class event_type {
    upgrade_started,
    node_changed,
    upgrade_finished,
    upgrade_failed,
    upgrade_stalled,
    stall_cleared,
    upgrade_vanished,
    monitor_blind,
    monitor_recovered,
    monitor_degraded,   // the monitor itself cannot keep its promise (the HA group's store refuses)
    upgrade_unplanned,  // SPEC §14: an upgrade started outside its maintenance windows
    // From the cluster's own OpenSearch view (SPEC §16; only with an `opensearch` section).
    cluster_health_red,      // _cluster/health says red during an upgrade
    cluster_health_cleared,  // ... and then no longer red
    recovery_stuck,          // active shard recoveries made no progress for recovery_timeout
};

inline constexpr event_type all_event_types[] = {
    event_type::upgrade_started,        event_type::node_changed,
    event_type::upgrade_finished,       event_type::upgrade_failed,
    event_type::upgrade_stalled,        event_type::stall_cleared,
    event_type::upgrade_vanished,       event_type::monitor_blind,
    event_type::monitor_recovered,      event_type::monitor_degraded,
    event_type::upgrade_unplanned,      event_type::cluster_health_red,
    event_type::cluster_health_cleared, event_type::recovery_stuck,
};

std::string_view to_string(event_type type);
std::optional<event_type> parse_event_type(std::string_view name);

// How urgent an event is (SPEC §14): payloads carry it as `severity`, routes match on it.
enum class severity { info, warning, critical };

inline constexpr severity all_severities[] = {severity::info, severity::warning,
                                              severity::critical};

std::string_view to_string(severity s);
std::optional<severity> parse_severity(std::string_view name);

struct cluster_ref {
    std::string name;
    std::string instance_no;
    std::string region;
    // The cluster's labels when the event was made (SPEC §13): payloads carry them as
    // cluster.labels. Not part of the event's id: relabelling a cluster repeats nothing.
    label_set labels = {};
    friend bool operator==(const cluster_ref&, const cluster_ref&) = default;
};

struct upgrade_info {
    std::string from_version;
    std::string to_version;
    std::string action_date;  // ISO 8601 with the API's offset, or the raw text if unparsable
    int nodes_total = 0;
    int nodes_complete = 0;
    std::optional<wall_time> started_at;
    std::optional<wall_time> finished_at;
    // While in progress: when it is expected to finish (SPEC §4, ETA); else nullopt.
    std::optional<wall_time> expected_finish;
    friend bool operator==(const upgrade_info&, const upgrade_info&) = default;
};

struct node_info {
    std::string hostname;
    std::string role;
    std::string status;
    std::string previous_status;  // "" when the node is new
    std::optional<wall_time> status_since;
    friend bool operator==(const node_info&, const node_info&) = default;
};

// What the cluster's OpenSearch view said when a stall-like event was made (SPEC §16): on
// events of a cluster with an `opensearch` section only.
struct cluster_insight {
    // The view was current; otherwise every field below is unknown and `error` says why.
    bool current = false;
    std::string error;
    std::optional<wall_time> read_at;
    std::string health;  // green | yellow | red
    shard_counts shards;
    recovery_summary recoveries;
    // The event's node in _cat/nodes: nullopt without a node; false when it is not listed.
    std::optional<bool> node_in_cluster;
    std::string node_version;  // its version there, "" when not listed
    // Nodes the API calls complete that _cat/nodes does not list.
    std::vector<std::string> nodes_absent;
    friend bool operator==(const cluster_insight&, const cluster_insight&) = default;
};

struct stall_info {
    // "node_stage_timeout" | "no_progress_timeout" | "slower_than_peers"; on the events of the
    // OpenSearch view: "cluster_health_red" | "recovery_stuck".
    std::string reason;
    long long stalled_for_seconds = 0;
    // slower_than_peers: the median time the complete nodes spent in that stage (what the
    // node was compared with); 0 otherwise.
    long long peer_median_seconds = 0;
    std::optional<cluster_insight> cluster{};  // only where an `opensearch` view is configured
    friend bool operator==(const stall_info&, const stall_info&) = default;
};

// One event folded into a digest message (SPEC §14, `digest:` on a notifier).
struct digest_entry {
    std::string id;  // the member event's own id (its outbox row)
    event_type type = event_type::node_changed;
    wall_time occurred_at{};
    std::string summary;
    std::optional<node_info> node;
    friend bool operator==(const digest_entry&, const digest_entry&) = default;
};

struct event {
    std::string id;  // hex SHA-256 of the identifying fields; stable across retries/restarts
    event_type type = event_type::upgrade_started;
    wall_time occurred_at{};
    std::string summary;  // one human line, e.g. "prod-logs: node x stuck in ... for 47m"
    cluster_ref cluster;
    std::optional<upgrade_info> upgrade;
    std::optional<node_info> node;
    std::optional<stall_info> stall;
    std::optional<std::string> error;  // last poll error, for monitor_blind
    // Whether it happened inside one of the cluster's maintenance windows (SPEC §14); unset
    // when no window is configured for the cluster.
    std::optional<bool> in_maintenance_window;
    // A digest message: the events it folds, oldest first (then `id` is the digest's own,
    // `summary` covers them all and upgrade/node/stall are the last member's). Empty for
    // every event the tracker makes: digests exist only on their way to a notifier.
    std::vector<digest_entry> digest;
    friend bool operator==(const event&, const event&) = default;
};

// The severity of `e` (docs/events.md, "Severities"): critical for upgrade_failed,
// monitor_blind and upgrade_stalled (except slower_than_peers), warning for
// upgrade_unplanned, upgrade_vanished and slower_than_peers stalls, info for the rest. A
// digest has the highest severity of its members.
severity severity_of(const event& e);

}  // namespace sesmon
