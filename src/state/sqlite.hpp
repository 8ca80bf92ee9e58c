#pragma once
// sqlite: a thin RAII layer over SQLite's C API (Debian's libsqlite3), just what the state
// store needs. One `connection` owns one sqlite3 handle; a `statement` is prepared once and
// reset after each use. Every failing call throws sqlite::error carrying SQLite's result
// code and message, so callers decide in one place what a failure means (the store turns
// "disk full", "read-only" and "I/O error" into its degraded mode, "corrupt" into a fresh
// start).
//
// Not thread-safe: a connection and its statements belong to one thread at a time.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace sesmon::state::sqlite {

class error : public std::runtime_error {
  public:
    error(int code, const std::string& what);
    // The primary result code (SQLITE_FULL, SQLITE_IOERR, ...), extended codes folded.
    int code() const { return code_ & 0xff; }
    int extended_code() const { return code_; }
    // True for damage to the file itself (SQLITE_CORRUPT, SQLITE_NOTADB).
    bool corrupt() const;

  private:
    int code_;
};

enum class open_mode {
    read_write_create,
    read_only,
    // Read-only and trusting that nothing changes the file (SQLite's immutable=1): no -shm
    // is needed, so a WAL database on a read-only filesystem still opens. Never while a
    // writer may be running.
    immutable,
};

class connection {
  public:
    // Opens (or creates) the database file, through the VFS of that name (nullptr: SQLite's
    // default; the store's fault seam passes fault_vfs::name()). Throws sqlite::error.
    connection(const std::filesystem::path& file, open_mode mode, const char* vfs = nullptr);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Runs one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT).
    void exec(std::string_view sql);
    // A PRAGMA or query whose first row's first column is an integer / a text.
    std::int64_t query_int(std::string_view sql);
    std::string query_text(std::string_view sql);
    // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
    int changes() const;

    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

class statement {
  public:
    statement(connection& db, std::string_view sql);
    ~statement();
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT).
    statement& bind(int index, std::string_view text);
    statement& bind(int index, std::int64_t value);
    statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    statement& bind_null(int index);
    template <class T>
    statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }

    // Steps once: true when a row is available, false when done. Throws on errors.
    bool step();
    // Steps to completion (for statements without rows) and resets.
    void run();
    // Resets and clears the bindings, ready for the next use.
    void reset();

    std::int64_t column_int(int index) const;
    std::string column_text(int index) const;
    bool column_is_null(int index) const;

  private:
    connection& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when it goes out of scope (also on exceptions), so that a statement
// that threw mid-way is usable again.
class reset_guard {
  public:
    explicit reset_guard(statement& s) : s_(s) {}
    ~reset_guard() { s_.reset(); }
    reset_guard(const reset_guard&) = delete;
    reset_guard& operator=(const reset_guard&) = delete;

  private:
    statement& s_;
};

}  // namespace sesmon::state::sqlite
