#include "state/database.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

#include "sesmon/version.hpp"

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

// The migration steps by version: migration_steps[v] brings a database of version v to
// v + 1, in one transaction. A new version appends its step here and raises
// schema_version (database.hpp); the static_assert keeps the two together.
constexpr const char* migration_steps[] = {
    schema_v1,  // 0 -> 1: the whole schema
    schema_v2,  // 1 -> 2: history indexes
    schema_v3,  // 2 -> 3: discovered_clusters
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

// A connection's schema version, refused when newer than this binary's.
std::int64_t checked_version(sqlite::connection& db, const fs::path& file) {
    const std::int64_t version = db.query_int("PRAGMA user_version");
    if (version > schema_version)
        throw schema_too_new(file, version);
    return version;
}

// Opens, checks the header and schema version, and migrates; throws sqlite::error (corrupt()
// for a damaged file) or schema_too_new (before anything is written). The whole-file check is
// integrity_check's, off the start path.
std::unique_ptr<sqlite::connection> open_checked(const fs::path& file, const char* vfs) {
    auto db = std::make_unique<sqlite::connection>(file, sqlite::open_mode::read_write_create, vfs);
    db->exec("PRAGMA busy_timeout = 5000");
    const std::int64_t version = checked_version(*db, file);
    // SQLite opens a file it cannot write read-only rather than fail: for the writer, that is
    // a disk that does not take writes.
    if (sqlite3_db_readonly(db->handle(), "main") == 1)
        throw sqlite::error(SQLITE_READONLY,
                            "open " + file.string() + ": attempt to write a readonly database");
    configure_writer(*db);
    migrate(*db, version);
    // The database holds no secret, but nobody else needs to read it either.
    std::error_code ec;
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                    ec);
    return db;
}

// A read-only connection to `file` in `mode`, its schema one this program reads.
std::unique_ptr<sqlite::connection> open_readable(const fs::path& file, sqlite::open_mode mode) {
    auto db = std::make_unique<sqlite::connection>(file, mode);
    db->exec("PRAGMA busy_timeout = 5000");
    const std::int64_t version = checked_version(*db, file);
    if (version < min_readable_schema) {
        throw sqlite::error(SQLITE_ERROR, file.string() + " has schema " + std::to_string(version) +
                                              ", this program reads " +
                                              std::to_string(min_readable_schema) + " to " +
                                              std::to_string(schema_version));
    }
    return db;
}

// The schema version of `file`, or nullopt when it does not read (damaged, missing).
std::optional<std::int64_t> peek_version(const fs::path& file) {
    try {
        sqlite::connection db(file, sqlite::open_mode::read_only);
        return db.query_int("PRAGMA user_version");
    } catch (const sqlite::error&) {
        return std::nullopt;
    }
}

// A fresh directory of this process's own under $TMPDIR (or /tmp), mode 0700.
fs::path private_temp_directory() {
    std::string name = (fs::temp_directory_path() / "sesmon-state-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + name);
    return name;
}

fs::path damaged_marker(const fs::path& directory) {
    return directory / (std::string(database_file_name) + ".damaged");
}

}  // namespace

schema_too_new::schema_too_new(const fs::path& file, std::int64_t version)
    : std::runtime_error(file.string() + " has schema version " + std::to_string(version) +
                         ", newer than this binary's (" + std::string(sesmon::version) +
                         ", schema version " + std::to_string(schema_version) +
                         "): it was written by a newer version of ses-upgrade-monitor"),
      file_(file),
      version_(version) {}

std::unique_ptr<sqlite::connection> open_for_writing(const fs::path& directory,
                                                     open_purpose purpose, spdlog::logger& log,
                                                     const char* vfs) {
    const fs::path file = directory / database_file_name;
    if (purpose == open_purpose::reopen)
        return open_checked(file, vfs);
    std::error_code ec;
    if (fs::exists(damaged_marker(directory), ec)) {
        // A newer version's file is never moved aside, whatever marked it.
        if (const auto version = peek_version(file); version && *version > schema_version)
            throw schema_too_new(file, *version);
        std::ifstream in(damaged_marker(directory));
        std::string reason;
        std::getline(in, reason);
        move_aside(file, "found damaged while running: " + reason, log);
        fs::remove(damaged_marker(directory), ec);
    }
    try {
        return open_checked(file, vfs);
    } catch (const sqlite::error& e) {
        if (!e.corrupt())
            throw;
        move_aside(file, e.what(), log);
    }
    return open_checked(file, vfs);
}

void probe_writable(sqlite::connection& db) {
    db.exec("PRAGMA user_version = " + std::to_string(schema_version));
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

std::unique_ptr<sqlite::connection> open_for_reading(const fs::path& directory) {
    const fs::path file = directory / database_file_name;
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw sqlite::error(SQLITE_CANTOPEN, "no " + file.string() + " (has the daemon run?)");
    return open_readable(file, sqlite::open_mode::read_only);
}

std::unique_ptr<committed_view> committed_view::open(const fs::path& directory) {
    const fs::path file = directory / database_file_name;
    const fs::path wal = file.string() + "-wal";
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw sqlite::error(SQLITE_CANTOPEN, "no " + file.string());
    std::unique_ptr<committed_view> view(new committed_view);
    std::string in_place;
    try {
        view->db_ = open_readable(file, sqlite::open_mode::read_only);
        view->live_ = true;
        view->how_ = "read-only";
        return view;
    } catch (const sqlite::error& e) {
        in_place = e.what();
    }
    const auto wal_size = fs::file_size(wal, ec);
    if (ec || wal_size == 0) {
        view->db_ = open_readable(file, sqlite::open_mode::immutable);
        view->how_ =
            "immutable=1 (no WAL to read; a plain read-only open failed: " + in_place + ")";
        return view;
    }
    std::string copying;
    try {
        view->copy_ = private_temp_directory();
        fs::copy_file(file, view->copy_ / database_file_name);
        fs::copy_file(wal, view->copy_ / wal.filename());
        view->db_ = open_readable(view->copy_ / database_file_name, sqlite::open_mode::read_only);
        view->how_ = "a copy in " + view->copy_.string() +
                     " (its WAL cannot be read in place: " + in_place + ")";
        return view;
    } catch (const schema_too_new&) {
        throw;
    } catch (const std::exception& e) {
        copying = e.what();
    }
    view->db_.reset();
    fs::remove_all(view->copy_, ec);
    view->copy_.clear();
    view->db_ = open_readable(file, sqlite::open_mode::immutable);
    view->how_ = "immutable=1: the last commits in " + wal.string() +
                 " are NOT seen (read-only in place failed: " + in_place +
                 "; copying failed: " + copying + ")";
    return view;
}

committed_view::~committed_view() {
    db_.reset();
    if (!copy_.empty()) {
        std::error_code ec;
        fs::remove_all(copy_, ec);
    }
}

}  // namespace sesmon::state
