#pragma once
// database: opening state.db — PRAGMAs in one place, the schema created and migrated by
// `PRAGMA user_version`, a damaged file moved aside so that the daemon always starts, a file
// of a newer schema refused and left alone, and reading what was committed on a disk that
// cannot be written.
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
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "state/sqlite.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

// Raised with each migration step (database.cpp, migration_steps).
inline constexpr int schema_version = 3;
// The oldest schema the read-only tools read: a database the daemon has not migrated yet
// (the steps since add indexes, and discovered_clusters, which no tool reads) still answers
// `history` and `deliveries`. A step that adds or changes what those reads query raises it
// to its own version.
inline constexpr int min_readable_schema = 1;
inline constexpr const char* database_file_name = "state.db";

// state.db written by a newer version of the program (a downgrade). SPEC §12, invariant 6:
// such a file is never moved aside and never written; `run` refuses to start (exit 2) and the
// read-only tools say so. what(): one line naming the file and both schema versions.
class schema_too_new : public std::runtime_error {
  public:
    schema_too_new(const std::filesystem::path& file, std::int64_t version);
    const std::filesystem::path& file() const { return file_; }
    std::int64_t version() const { return version_; }

  private:
    std::filesystem::path file_;
    std::int64_t version_;
};

enum class open_purpose {
    // At start: a file that is not a database — or that check_integrity found damaged while
    // the daemon last ran — is moved aside (state.db.corrupt-<unix time>, with its -wal and
    // -shm) with an error line, and a fresh one is created: the daemon always starts. A file
    // of a newer schema is not damaged: schema_too_new, and it is left alone. The whole-file
    // check is not done here (it reads the whole file), see integrity_check.
    start,
    // Reopening after a failed write: a damaged file is never replaced while the daemon
    // runs (its clusters' states would be lost); the caller stays degraded instead.
    reopen,
};

// Opens <directory>/state.db for the writer: WAL, synchronous=FULL, foreign keys, the
// schema at `schema_version`, mode 0600; through the VFS named `vfs` (nullptr: the default).
// Throws sqlite::error when the directory cannot hold a database (permissions, read-only —
// a connection SQLite could open only for reading counts as that —, disk full) or, on
// reopen, the file is damaged: the caller runs degraded and retries. Throws schema_too_new.
std::unique_ptr<sqlite::connection> open_for_writing(const std::filesystem::path& directory,
                                                     open_purpose purpose, spdlog::logger& log,
                                                     const char* vfs = nullptr);

// One small write that must reach the disk (the header's user_version, rewritten as it is):
// how a writer recovering with nothing to write learns that the disk takes writes again.
void probe_writable(sqlite::connection& db);

// Moves a database found damaged while reading it at start aside (as above); the caller
// then opens a fresh one.
void replace_damaged(const std::filesystem::path& directory, const std::string& reason,
                     spdlog::logger& log);

// PRAGMA quick_check of the whole file (integrity_check runs it once after start, off the
// write path). "" when it is sound; otherwise the problem, and a marker file next to state.db
// makes the next start move the file aside.
std::string check_integrity(sqlite::connection& db, const std::filesystem::path& directory);

// Opens an existing state.db read-only (CLI, HTTP history, the integrity check): never
// creates, never migrates; reads schemas min_readable_schema to schema_version. Throws
// sqlite::error (missing file, unreadable, too old a schema) or schema_too_new.
std::unique_ptr<sqlite::connection> open_for_reading(const std::filesystem::path& directory);

// A read-only connection to everything committed to state.db, the last commits in its WAL
// included, for a process that may not be able to write the directory — the degraded start,
// and the store's reads while its writer cannot open the file. SQLite reads a WAL database
// read-only only where the -shm exists and is readable or the directory is writable
// ("WAL mode", "Read-Only Databases"), and immutable=1 ignores the WAL. So, in this order:
//   1. a plain read-only open: live, it follows later commits;
//   2. no WAL to read (no -wal, or an empty one): immutable=1 — exact, frozen;
//   3. a WAL that cannot be read in place: state.db and its -wal copied into a private
//      temporary directory ($TMPDIR or /tmp) and opened there — exact, frozen; the copy is
//      removed with the view. Only if that fails too: immutable=1, with the reason in how().
// Throws sqlite::error when state.db cannot be read at all, schema_too_new for a newer file.
class committed_view {
  public:
    static std::unique_ptr<committed_view> open(const std::filesystem::path& directory);
    ~committed_view();
    committed_view(const committed_view&) = delete;
    committed_view& operator=(const committed_view&) = delete;

    sqlite::connection& db() { return *db_; }
    // Follows later commits (1); false: what was committed when it was opened (2, 3).
    bool live() const { return live_; }
    // How it reads the file, for the log ("read-only", "immutable: no WAL", ...).
    const std::string& how() const { return how_; }

  private:
    committed_view() = default;
    std::unique_ptr<sqlite::connection> db_;
    std::filesystem::path copy_;  // the temporary directory of (3), removed with the view
    bool live_ = false;
    std::string how_;
};

}  // namespace sesmon::state
