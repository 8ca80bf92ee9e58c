#include "state/database.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <system_error>

namespace sesmon::state {
namespace fs = std::filesystem;
namespace {

// Version 1: the whole schema described in database.hpp.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE clusters(
  instance_no TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  state       TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE TABLE events(
  id          TEXT PRIMARY KEY,
  instance_no TEXT NOT NULL,
  cluster     TEXT NOT NULL,
  type        TEXT NOT NULL,
  upgrade_id  TEXT,
  occurred_at INTEGER NOT NULL,
  body        TEXT NOT NULL
);
CREATE INDEX events_by_time ON events(occurred_at);
CREATE TABLE outbox(
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  notifier     TEXT NOT NULL,
  event_id     TEXT NOT NULL REFERENCES events(id),
  status       TEXT NOT NULL CHECK(status IN ('pending', 'delivered', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER,
  last_error   TEXT NOT NULL DEFAULT '',
  updated_at   INTEGER NOT NULL,
  UNIQUE(notifier, event_id)
);
CREATE INDEX outbox_by_status ON outbox(status, notifier, seq);
CREATE INDEX outbox_by_event ON outbox(event_id);
CREATE TABLE upgrades(
  id             TEXT PRIMARY KEY,
  instance_no    TEXT NOT NULL,
  cluster        TEXT NOT NULL,
  from_version   TEXT NOT NULL,
  to_version     TEXT NOT NULL,
  action_date    TEXT NOT NULL,
  started_at     INTEGER NOT NULL,
  finished_at    INTEGER,
  ended_at       INTEGER,
  outcome        TEXT NOT NULL
                 CHECK(outcome IN ('in_progress', 'finished', 'failed', 'vanished')),
  nodes_total    INTEGER NOT NULL DEFAULT 0,
  nodes_complete INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX upgrades_by_cluster ON upgrades(cluster, started_at);
CREATE INDEX upgrades_by_end ON upgrades(ended_at);
CREATE TABLE node_statuses(
  upgrade_id TEXT NOT NULL REFERENCES upgrades(id) ON DELETE CASCADE,
  hostname   TEXT NOT NULL,
  role       TEXT NOT NULL,
  status     TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at   INTEGER
);
CREATE INDEX node_statuses_by_upgrade ON node_statuses(upgrade_id, hostname, started_at);
)sql";

// Version 2 (issue 13): the history list newest first, and the ETA's past upgrades of one
// cluster, without a scan of every upgrade.
constexpr const char* schema_v2 = R"sql(
CREATE INDEX upgrades_by_start ON upgrades(started_at);
CREATE INDEX upgrades_by_instance ON upgrades(instance_no, started_at);
)sql";

// Version 3 (issue 14): discovery's known set, so that a restart watches the discovered
// clusters before the first listing answers. Replaced as a whole when it changes.
constexpr const char* schema_v3 = R"sql(
CREATE TABLE discovered_clusters(
  instance_no TEXT PRIMARY KEY,
  region      TEXT NOT NULL,
  listed_name TEXT NOT NULL,
  name        TEXT NOT NULL,
  misses      INTEGER NOT NULL DEFAULT 0 CHECK(misses >= 0),
  updated_at  INTEGER NOT NULL
);
)sql";

// Version 4 (issue 24): each cluster's Alertmanager silence record (JSON, silence_codec),
// written with the cluster's state; NULL for a cluster that never had one.
constexpr const char* schema_v4 = R"sql(
ALTER TABLE clusters ADD COLUMN silence TEXT;
)sql";

// The migration steps by version: migration_steps[v] brings a database of version v to
// v + 1, in one transaction. A new version appends its step here and raises
// schema_version (database.hpp); the static_assert keeps the two together.
constexpr const char* migration_steps[] = {
    schema_v1,  // 0 -> 1: the whole schema
    schema_v2,  // 1 -> 2: history indexes
    schema_v3,  // 2 -> 3: discovered_clusters
    schema_v4,  // 3 -> 4: clusters.silence
};
static_assert(std::size(migration_steps) == schema_version,
              "one migration step per schema version");

// Brings the schema from `from` to schema_version, one step at a time.
void migrate(sqlite::connection& db, std::int64_t from) {
    for (std::int64_t version = from; version < schema_version; ++version) {
        db.exec("BEGIN IMMEDIATE");
        try {
            db.exec(migration_steps[static_cast<std::size_t>(version)]);
            db.exec("PRAGMA user_version = " + std::to_string(version + 1));
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            throw;
        }
    }
}

void move_aside(const fs::path& file, const std::string& reason, spdlog::logger& log) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::string suffix = ".corrupt-" + std::to_string(now);
    std::error_code ec;
    for (const char* extra : {"", "-wal", "-shm"}) {
        const fs::path from = file.string() + extra;
        if (fs::exists(from, ec))
            fs::rename(from, fs::path(file.string() + suffix + extra), ec);
    }
    log.error("state: {} is damaged ({}); moved it to {}{} and starting with a fresh database",
              file.string(), reason, file.filename().string(), suffix);
}

// The set-up every writing connection gets. synchronous=FULL: a commit is on the disk when
// COMMIT returns (WAL fsync), which is what the exactly-once order relies on.
void configure_writer(sqlite::connection& db) {
    db.exec("PRAGMA busy_timeout = 5000");
    const std::string mode = db.query_text("PRAGMA journal_mode = WAL");
    if (mode != "wal")
        throw sqlite::error(SQLITE_ERROR, "cannot switch to WAL mode (got " + mode + ")");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
}

// Opens, checks and migrates; throws sqlite::error (corrupt() for a damaged file).
// Opens, checks the header and schema version, and migrates; throws sqlite::error (corrupt()
// for a damaged file). The whole-file check is check_integrity's, off the start path.
std::unique_ptr<sqlite::connection> open_checked(const fs::path& file) {
    auto db = std::make_unique<sqlite::connection>(file, sqlite::open_mode::read_write_create);
    configure_writer(*db);
    const std::int64_t version = db->query_int("PRAGMA user_version");
    if (version > schema_version) {
        throw sqlite::error(SQLITE_NOTADB, "written by a newer version (schema " +
                                               std::to_string(version) + ", this one knows " +
                                               std::to_string(schema_version) + ")");
    }
    migrate(*db, version);
    // The database holds no secret, but nobody else needs to read it either.
    std::error_code ec;
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                    ec);
    return db;
}

fs::path damaged_marker(const fs::path& directory) {
    return directory / (std::string(database_file_name) + ".damaged");
}

}  // namespace

std::unique_ptr<sqlite::connection> open_for_writing(const fs::path& directory,
                                                     open_purpose purpose, spdlog::logger& log) {
    const fs::path file = directory / database_file_name;
    if (purpose == open_purpose::reopen)
        return open_checked(file);
    std::error_code ec;
    if (fs::exists(damaged_marker(directory), ec)) {
        std::ifstream in(damaged_marker(directory));
        std::string reason;
        std::getline(in, reason);
        move_aside(file, "found damaged while running: " + reason, log);
        fs::remove(damaged_marker(directory), ec);
    }
    try {
        return open_checked(file);
    } catch (const sqlite::error& e) {
        if (!e.corrupt())
            throw;
        move_aside(file, e.what(), log);
    }
    return open_checked(file);
}

void replace_damaged(const fs::path& directory, const std::string& reason, spdlog::logger& log) {
    move_aside(directory / database_file_name, reason, log);
}

std::string check_integrity(sqlite::connection& db, const fs::path& directory) {
    const std::string result = db.query_text("PRAGMA quick_check");
    if (result == "ok")
        return {};
    std::ofstream(damaged_marker(directory)) << result << '\n';
    return result;
}

std::unique_ptr<sqlite::connection> open_for_reading(const fs::path& directory, bool immutable) {
    const fs::path file = directory / database_file_name;
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw sqlite::error(SQLITE_CANTOPEN, "no " + file.string() + " (has the daemon run?)");
    auto db = std::make_unique<sqlite::connection>(
        file, immutable ? sqlite::open_mode::immutable : sqlite::open_mode::read_only);
    db->exec("PRAGMA busy_timeout = 5000");
    const std::int64_t version = db->query_int("PRAGMA user_version");
    if (version < min_readable_schema || version > schema_version) {
        throw sqlite::error(SQLITE_ERROR, file.string() + " has schema " + std::to_string(version) +
                                              ", this program reads " +
                                              std::to_string(min_readable_schema) + " to " +
                                              std::to_string(schema_version));
    }
    return db;
}

}  // namespace sesmon::state
