#include "state/sqlite.hpp"

#include <sqlite3.h>

namespace sesmon::state::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, std::string_view doing) {
    std::string message = std::string(doing) + ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    throw error(db != nullptr ? sqlite3_extended_errcode(db) : code, message);
}

}  // namespace

error::error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}

bool error::corrupt() const {
    return code() == SQLITE_CORRUPT || code() == SQLITE_NOTADB;
}

namespace {

// "file:<path>?immutable=1", with the characters a URI path cannot hold escaped.
std::string immutable_uri(const std::filesystem::path& file) {
    std::string uri = "file:";
    for (char c : file.string()) {
        if (c == '?' || c == '#' || c == '%') {
            static constexpr char hex[] = "0123456789ABCDEF";
            uri += '%';
            uri += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
            uri += hex[static_cast<unsigned char>(c) & 0xF];
        } else {
            uri += c;
        }
    }
    return uri + "?immutable=1";
}

}  // namespace

connection::connection(const std::filesystem::path& file, open_mode mode, const char* vfs) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    std::string name = file.string();
    if (mode == open_mode::read_only) {
        flags = SQLITE_OPEN_READONLY;
    } else if (mode == open_mode::immutable) {
        flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
        name = immutable_uri(file);
    }
    // NOMUTEX: each connection is used by one thread at a time (see the header).
    const int rc = sqlite3_open_v2(name.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, vfs);
    if (rc != SQLITE_OK) {
        const std::string message =
            "open " + file.string() + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        const int code = db_ ? sqlite3_extended_errcode(db_) : rc;
        sqlite3_close(db_);
        db_ = nullptr;
        throw error(code, message);
    }
    sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
    // Statements are finalized by their owners first; close_v2 defers if one is left.
    sqlite3_close_v2(db_);
}

void connection::exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        const std::string what = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throw error(sqlite3_extended_errcode(db_), what + " (in: " + text.substr(0, 60) + ")");
    }
}

std::int64_t connection::query_int(std::string_view sql) {
    statement s(*this, sql);
    if (!s.step())
        throw error(SQLITE_ERROR, "no row from: " + std::string(sql));
    return s.column_int(0);
}

std::string connection::query_text(std::string_view sql) {
    statement s(*this, sql);
    if (!s.step())
        throw error(SQLITE_ERROR, "no row from: " + std::string(sql));
    return s.column_text(0);
}

int connection::changes() const {
    return sqlite3_changes(db_);
}

statement::statement(connection& db, std::string_view sql) : db_(db) {
    const int rc = sqlite3_prepare_v3(db_.handle(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK)
        fail(db_.handle(), rc, "prepare \"" + std::string(sql.substr(0, 60)) + "\"");
}

statement::~statement() {
    sqlite3_finalize(stmt_);
}

statement& statement::bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                     SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        fail(db_.handle(), rc, "bind");
    return *this;
}

statement& statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK)
        fail(db_.handle(), rc, "bind");
    return *this;
}

statement& statement::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK)
        fail(db_.handle(), rc, "bind");
    return *this;
}

bool statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(db_.handle(), rc, "step");
}

void statement::run() {
    reset_guard guard(*this);
    while (step()) {
    }
}

void statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int(int index) const {
    return sqlite3_column_int64(stmt_, index);
}

std::string statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(stmt_, index);
    const int size = sqlite3_column_bytes(stmt_, index);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size))
                : std::string();
}

bool statement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

}  // namespace sesmon::state::sqlite
