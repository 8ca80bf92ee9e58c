#pragma once
// database: opening state.db — PRAGMAs in one place, the schema created and migrated by
// `PRAGMA user_version`, and a damaged file moved aside so that the daemon always starts.
//
// Schema (version 3; docs/operations.md shows how to inspect it with the sqlite3 CLI):
//   clusters(instance_no PK, name, state JSON, updated_at)     the trackers' memory
//   events(id PK, instance_no, cluster, type, upgrade_id, occurred_at, body JSON)
//   outbox(seq PK, notifier, event_id, status pending|delivered|dead, attempts,
//          next_attempt, last_error, updated_at; UNIQUE(notifier, event_id))
//   upgrades(id PK, instance_no, cluster, from_version, to_version, action_date,
//            started_at, finished_at, ended_at, outcome, nodes_total, nodes_complete)
//   node_statuses(upgrade_id, hostname, role, status, started_at, ended_at)
//   discovered_clusters(instance_no PK, region, listed_name, name, misses, updated_at)
//                                                               discovery's known set (v3)
// Version 2 adds indexes only (upgrades by start, by instance_no and start); version 3 the
// discovered_clusters table.
// Times are Unix seconds (UTC). JSON columns use the store's own formats (event_codec,
// cluster_state_json), never the public webhook schema.
#include <filesystem>
#include <memory>

#include "state/sqlite.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

// Raised with each migration step (database.cpp, migration_steps).
inline constexpr int schema_version = 4;
// The oldest schema the read-only tools read: a database the daemon has not migrated yet
// (the steps since add indexes, and discovered_clusters, which no tool reads) still answers
// `history` and `deliveries`. A step that adds or changes what those reads query raises it
// to its own version.
inline constexpr int min_readable_schema = 1;
inline constexpr const char* database_file_name = "state.db";

enum class open_purpose {
    // At start: a file that is not a database or was written by a newer schema — or that
    // check_integrity found damaged while the daemon last ran — is moved aside
    // (state.db.corrupt-<unix time>, with its -wal and -shm) with an error line, and a
    // fresh one is created: the daemon always starts. The whole-file check is not done
    // here (it reads the whole file: start must stay fast), see check_integrity.
    start,
    // Reopening after a failed write: a damaged file is never replaced while the daemon
    // runs (its clusters' states would be lost); the caller stays degraded instead.
    reopen,
};

// Opens <directory>/state.db for the writer: WAL, synchronous=FULL, foreign keys, the
// schema at `schema_version`, mode 0600. Throws sqlite::error when the directory cannot
// hold a database (permissions, read-only, disk full) or, on reopen, the file is damaged:
// the caller runs degraded and retries.
std::unique_ptr<sqlite::connection> open_for_writing(const std::filesystem::path& directory,
                                                     open_purpose purpose, spdlog::logger& log);

// Moves a database found damaged while reading it at start aside (as above); the caller
// then opens a fresh one.
void replace_damaged(const std::filesystem::path& directory, const std::string& reason,
                     spdlog::logger& log);

// PRAGMA quick_check of the whole file (the writer runs it once after start, off the event
// loop). "" when it is sound; otherwise the problem, and a marker file next to state.db
// makes the next start move the file aside.
std::string check_integrity(sqlite::connection& db, const std::filesystem::path& directory);

// Opens an existing state.db read-only (CLI, HTTP history): never creates, never migrates;
// reads schemas min_readable_schema to schema_version.
// `immutable`: for the daemon's own start on a disk it cannot write (no writer can be
// running then), where a WAL database would not open otherwise. Throws sqlite::error
// (missing file, unreadable, other schema).
std::unique_ptr<sqlite::connection> open_for_reading(const std::filesystem::path& directory,
                                                     bool immutable = false);

}  // namespace sesmon::state
