#pragma once
// Parsers of the OpenSearch answers the view reads (SPEC §16). Tolerant of what varies
// between OpenSearch versions and settings: numbers as JSON numbers or as text ("12",
// "43.2%", "1.5kb"), short column names (`n`, `v`), extra fields, and both shapes of the
// snapshot listing. Strict about what the view needs: a health answer without `status`, or
// a listing that is not a list, is an error, never a guess. Pure; never throw.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/opensearch.hpp"

namespace sesmon::opensearch {

// Longest list accepted from one answer (a recovery per shard of a large cluster fits).
inline constexpr std::size_t max_entries = 100000;

// Each returns false with `error` set (one line, names the endpoint) when `body` is not what
// the endpoint answers.

// GET /_cluster/health: status (lower-cased), number_of_nodes, initializing_shards,
// relocating_shards, unassigned_shards into `out`.
bool parse_health(std::string_view body, cluster_reading& out, std::string& error);

// GET /_cat/nodes?h=name,version&format=json.
bool parse_cat_nodes(std::string_view body, std::vector<opensearch_node>& out, std::string& error);

// GET /_cat/recovery?active_only=true&format=json&bytes=b. Entries already `done` are left
// out (an endpoint that ignores active_only lists finished recoveries too).
bool parse_cat_recovery(std::string_view body, std::vector<shard_recovery>& out,
                        std::string& error);

// One snapshot of a repository.
struct snapshot_entry {
    std::string id;
    std::string repository;  // "" when the answer does not say
    std::string status;      // SUCCESS, PARTIAL, FAILED, IN_PROGRESS, ... (upper-cased)
    std::optional<wall_time> start;
    std::optional<wall_time> end;
    friend bool operator==(const snapshot_entry&, const snapshot_entry&) = default;
};

// GET /_cat/snapshots?format=json (an array: id, repository, status, start_epoch,
// end_epoch), or GET /_snapshot/_all/_all (an object: "snapshots": [...] or "responses":
// [{"repository", "snapshots": [...]}], entries with snapshot, state,
// start_time_in_millis, end_time_in_millis).
bool parse_snapshots(std::string_view body, std::vector<snapshot_entry>& out, std::string& error);

// The newest snapshot that succeeded (by end time), if any.
std::optional<snapshot_entry> latest_successful(const std::vector<snapshot_entry>& snapshots);

}  // namespace sesmon::opensearch
