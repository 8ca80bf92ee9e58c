#include "state/reads.hpp"

#include <spdlog/spdlog.h>

#include "monitor/cluster_state_json.hpp"
#include "state/event_codec.hpp"
#include "state/silence_codec.hpp"
#include "state/unix_time.hpp"

namespace sesmon::state {
namespace {

// Columns of select_clusters(): instance_no, name, state[, silence].
std::optional<cluster_record> decode_cluster(const sqlite::statement& row, bool with_silence,
                                             spdlog::logger& log) {
    const std::string instance_no = row.column_text(0);
    std::string error;
    auto parsed = monitor::cluster_state_from_json(row.column_text(2), error);
    if (!parsed || parsed->instance_no != instance_no) {
        log.warn(
            "state: the stored state of cluster {} (instance {}) does not read ({}); it "
            "starts fresh",
            row.column_text(1), instance_no,
            parsed ? "written for instance " + parsed->instance_no : error);
        return std::nullopt;
    }
    cluster_record out{instance_no, row.column_text(1), std::move(parsed->state)};
    if (with_silence && !row.column_is_null(3)) {
        out.silence = decode_silence(row.column_text(3), error);
        if (!out.silence) {
            log.warn(
                "state: the stored silence of cluster {} does not read ({}); it is found again "
                "in Alertmanager by its comment",
                out.name, error);
        }
    }
    return out;
}

// A database opened read-only is not migrated (a degraded start, the tools): one before
// schema 4 has no silence column.
bool has_silences(sqlite::connection& db) {
    return db.query_int(
               "SELECT count(*) FROM pragma_table_info('clusters') WHERE name = "
               "'silence'") > 0;
}

std::string select_clusters(bool with_silence) {
    return with_silence ? "SELECT instance_no, name, state, silence FROM clusters"
                        : "SELECT instance_no, name, state FROM clusters";
}

}  // namespace

std::string_view to_string(delivery_status status) {
    switch (status) {
        case delivery_status::pending:
            return "pending";
        case delivery_status::delivered:
            return "delivered";
        case delivery_status::dead:
            return "dead";
    }
    return "pending";
}

std::vector<cluster_record> read_clusters(sqlite::connection& db, spdlog::logger& log) {
    std::vector<cluster_record> out;
    const bool with_silence = has_silences(db);
    sqlite::statement s(db, select_clusters(with_silence));
    while (s.step()) {
        if (auto c = decode_cluster(s, with_silence, log))
            out.push_back(std::move(*c));
    }
    return out;
}

std::optional<cluster_record> read_cluster(sqlite::connection& db, const std::string& instance_no,
                                           spdlog::logger& log) {
    return cluster_reader(db).read(instance_no, log);
}

cluster_reader::cluster_reader(sqlite::connection& db)
    : with_silence_(has_silences(db)),
      select_(db, select_clusters(with_silence_) + " WHERE instance_no = ?1") {}

std::optional<cluster_record> cluster_reader::read(const std::string& instance_no,
                                                   spdlog::logger& log) {
    sqlite::reset_guard done(select_);
    select_.bind(1, instance_no);
    if (!select_.step())
        return std::nullopt;
    return decode_cluster(select_, with_silence_, log);
}

std::vector<discovered_record> read_discovered(sqlite::connection& db) {
    // A database opened read-only is not migrated (a degraded start on a disk that cannot be
    // written): one of a schema before version 3 has no such table, and no discovered set.
    if (db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                     "'discovered_clusters'") == 0)
        return {};
    sqlite::statement s(db,
                        "SELECT instance_no, region, listed_name, name, misses FROM "
                        "discovered_clusters ORDER BY instance_no");
    std::vector<discovered_record> out;
    while (s.step()) {
        out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3),
                       static_cast<int>(s.column_int(4))});
    }
    return out;
}

std::vector<delivery_record> read_deliveries(sqlite::connection& db, delivery_status status,
                                             const std::optional<std::string>& notifier,
                                             spdlog::logger& log) {
    sqlite::statement s(db,
                        "SELECT o.notifier, o.seq, e.body, o.attempts, o.next_attempt, "
                        "o.last_error, o.updated_at FROM outbox o JOIN events e ON e.id = "
                        "o.event_id WHERE o.status = ?1 AND (?2 IS NULL OR o.notifier = ?2) "
                        "ORDER BY o.seq");
    s.bind(1, to_string(status)).bind(2, notifier);
    std::vector<delivery_record> out;
    while (s.step()) {
        auto e = decode_event(s.column_text(2));
        if (!e) {
            log.warn("state: outbox row {} for notifier {} has an unreadable event; skipped",
                     s.column_int(1), s.column_text(0));
            continue;
        }
        delivery_record r;
        r.notifier = s.column_text(0);
        r.sequence = s.column_int(1);
        r.event = std::move(*e);
        r.status = status;
        r.attempts = static_cast<int>(s.column_int(3));
        if (!s.column_is_null(4))
            r.next_attempt = from_unix(s.column_int(4));
        r.last_error = s.column_text(5);
        r.updated_at = from_unix(s.column_int(6));
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace sesmon::state
