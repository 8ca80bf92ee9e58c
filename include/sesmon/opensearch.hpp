#pragma once
// opensearch: what a cluster says about itself (SPEC §16), read from its own OpenSearch
// endpoint — `_cluster/health`, `_cat/nodes?h=name,version`, `_cat/recovery?active_only=true`
// and, for `preflight`, the snapshots. Plain values: produced by opensearch::read_cluster
// (src/opensearch/), consumed by the tracker (cluster_health_red, recovery_stuck), the stall
// payloads and the status surfaces. No I/O here.
#include <optional>
#include <string>
#include <vector>

#include "sesmon/time.hpp"

namespace sesmon {

// Shard copies not (yet) serving, from _cluster/health.
struct shard_counts {
    int initializing = 0;
    int relocating = 0;
    int unassigned = 0;
    friend bool operator==(const shard_counts&, const shard_counts&) = default;
};

// The active shard recoveries taken together: how many, and how far (0-100; bytes
// recovered over bytes to recover where the sizes are known, else the mean of their
// percentages).
struct recovery_summary {
    int count = 0;
    double percent_done = 0;
    friend bool operator==(const recovery_summary&, const recovery_summary&) = default;
};

// One node of `_cat/nodes?h=name,version`.
struct opensearch_node {
    std::string name;
    std::string version;  // as OpenSearch reports it, e.g. "2.15.0"
    friend bool operator==(const opensearch_node&, const opensearch_node&) = default;
};

// One active recovery of `_cat/recovery?active_only=true`.
struct shard_recovery {
    std::string index;
    std::string shard;
    std::string stage;  // init, index, verify_index, translog, finalize, done
    std::string target_node;
    double bytes_percent = 0;  // 0-100
    long long bytes_recovered = 0;
    long long bytes_total = 0;
    long long files_recovered = 0;
    long long translog_ops_recovered = 0;
    friend bool operator==(const shard_recovery&, const shard_recovery&) = default;
};

// One successful read of the three endpoints.
struct cluster_reading {
    wall_time read_at{};
    std::string health;  // "green" | "yellow" | "red" (as reported, lower-cased)
    int number_of_nodes = 0;
    shard_counts shards;
    std::vector<opensearch_node> nodes;
    std::vector<shard_recovery> recoveries;
    friend bool operator==(const cluster_reading&, const cluster_reading&) = default;
};

// The recoveries of `r` summed up (count 0 when none is active).
recovery_summary summarize_recoveries(const std::vector<shard_recovery>& r);

// A fingerprint of how far the active recoveries are (which shards, which stage, bytes,
// files and translog operations recovered): equal fingerprints of two readings mean no
// recovery moved in between. 0 when no recovery is active.
unsigned long long recovery_fingerprint(const std::vector<shard_recovery>& r);

// The node of `nodes` that is the API's `hostname`: equal ignoring ASCII case, or equal up
// to a domain suffix on either side ("x-do-1" and "x-do-1.internal"); nullptr when none.
const opensearch_node* find_opensearch_node(const std::vector<opensearch_node>& nodes,
                                            const std::string& hostname);

// The current view of a cluster with an `opensearch` section: the last reading, or why
// there is none (configured but unreachable, or not read yet).
struct cluster_view_state {
    std::optional<cluster_reading> reading;  // nullopt: not current
    std::string error;                       // one line when !reading ("" before the first read)
    friend bool operator==(const cluster_view_state&, const cluster_view_state&) = default;
};

}  // namespace sesmon
