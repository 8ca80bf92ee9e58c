#pragma once
// view_model: what the HTTP API, the dashboard, the metrics gauges and the `status` command
// show, as plain values. The daemon fills it from its trackers (on the thread that owns
// them); `from_snapshot` fills it from one poll for `status`. Nothing here knows about
// trackers, sockets or Prometheus, so every surface renders the same facts the same way.
//
// Times are UTC wall times; "seconds" fields are whole seconds computed against
// daemon_view::now (or the `now` given to from_snapshot) by whoever fills the view.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/config.hpp"
#include "sesmon/labels.hpp"
#include "sesmon/opensearch.hpp"
#include "sesmon/snapshot.hpp"
#include "sesmon/time.hpp"

namespace sesmon::web {

struct node_view {
    std::string hostname;
    std::string role;    // nodeRoleCode as received: M, D, DO, MO
    std::string status;  // verbatim, e.g. "Upgrade_OpenSearch"
    std::string phase;   // to_string(node_phase): pending|upgrading|complete|failed|unknown
    std::optional<wall_time> status_since;  // earliest known start of this status
    long long seconds_in_status = 0;        // now - status_since (0 when unknown)
    // With a current OpenSearch view (SPEC §16): whether _cat/nodes lists the node, and its
    // version there. nullopt otherwise.
    std::optional<bool> in_cluster;
    std::string opensearch_version;

    friend bool operator==(const node_view&, const node_view&) = default;
};

// The cluster's own OpenSearch view (SPEC §16), for a cluster with an `opensearch` section.
struct opensearch_view {
    bool current = false;  // the last read answered; else `error` says why not
    std::string error;
    std::optional<wall_time> read_at;
    std::string health;  // green | yellow | red
    shard_counts shards;
    recovery_summary recoveries;
    int nodes = 0;  // nodes in _cat/nodes

    friend bool operator==(const opensearch_view&, const opensearch_view&) = default;
};

// The view of a cluster_view_state (the nodes' part is filled by node_versions).
opensearch_view make_opensearch_view(const cluster_view_state& state);
// Sets in_cluster / opensearch_version of `nodes` from a current reading.
void node_versions(std::vector<node_view>& nodes, const cluster_view_state& state);

struct cluster_view {
    std::string name;
    std::string instance_no;
    std::string region;
    bool discovered = false;  // found by discovery (SPEC §10), not listed in clusters[]
    label_set labels;         // SPEC §13

    // The current (or last seen) upgrade. Versions are "" when the API gave none.
    bool upgrade_in_progress = false;
    std::string from_version;
    std::string to_version;
    std::string action_date;  // ISO 8601 with the API's offset, or the raw text
    std::optional<wall_time> started_at;
    std::optional<wall_time> finished_at;
    std::string upgrade_id;                    // its id in the history ("" when unknown)
    std::optional<wall_time> expected_finish;  // while in progress (SPEC §4, ETA)
    int nodes_total = 0;
    int nodes_complete = 0;
    std::vector<node_view> nodes;

    bool stalled = false;
    std::string stall_reason;  // "node_stage_timeout" | "no_progress_timeout" |
                               // "slower_than_peers" | ""
    long long stalled_for_seconds = 0;
    std::string stall_node;  // the node that stalled; "" for no_progress_timeout
    bool failed = false;     // some node is classified failed
    bool blind = false;      // no successful poll for >= blind_timeout

    std::optional<wall_time> last_poll_at;     // last attempt, successful or not
    std::optional<wall_time> last_success_at;  // last successful poll
    std::string last_poll_result;  // "ok", an api_error_kind name, or "" before the first poll
    std::string last_error;        // one line, "" when the last poll succeeded

    std::optional<opensearch_view> opensearch;  // only with an `opensearch` section

    friend bool operator==(const cluster_view&, const cluster_view&) = default;
};

// This daemon's seat in an HA group (SPEC §11); absent when it runs alone.
struct ha_view {
    std::string group;    // the group's etcd prefix
    std::string member;   // this member
    std::string role;     // "leader" | "standby" | "unknown" (etcd unreachable, or not known yet)
    std::string leader;   // the leading member, "" when none is known
    std::string problem;  // why this member cannot act or follow now, "" when all is well

    friend bool operator==(const ha_view&, const ha_view&) = default;
};

struct daemon_view {
    std::string version;  // sesmon::version
    wall_time started_at{};
    wall_time now{};
    bool ready = false;  // the first poll round was attempted
    std::vector<cluster_view> clusters;
    std::optional<ha_view> ha;

    friend bool operator==(const daemon_view&, const daemon_view&) = default;
};

// The /api/v1/clusters document (docs/http-api.md). Compact, UTF-8, keys in a fixed order.
std::string to_json(const daemon_view& view);
// The daemon's fields of that document ("version", "started_at", "now", "ready", and "ha" on an
// HA member) as a JSON fragment without the braces, for the other documents that begin so.
std::string header_fields_json(const daemon_view& view);
// One cluster as the "clusters" array element of the document above (its `state` as of
// `now`); without its `nodes` array when `with_nodes` is false.
std::string to_json(const cluster_view& view, wall_time now, bool with_nodes = true);

// A view of one cluster from a single successful poll, for the `status` command:
// status_since is the node's updatedDate (when it parsed and is not in the future),
// last_poll_at = last_success_at = now. Stalls are not judged here: the caller asks the
// tracker's rule (cli/status_view.cpp), so that `status` and the daemon agree (issue 27).
// `api_offset` renders the action date in the API's zone. There is no history, so
// started_at/finished_at stay empty.
cluster_view from_snapshot(const cluster_config& cluster, const snapshot& snap, wall_time now,
                           std::chrono::seconds api_offset = std::chrono::hours(9));

}  // namespace sesmon::web
