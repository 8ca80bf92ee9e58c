#include "state/writes.hpp"

#include "monitor/cluster_state_json.hpp"
#include "state/event_codec.hpp"
#include "state/silence_codec.hpp"
#include "state/unix_time.hpp"

namespace sesmon::state {
namespace {

constexpr std::int64_t delivered_kept_seconds = 24 * 3600;

// Runs `body` between BEGIN IMMEDIATE and COMMIT; rolls back and rethrows on failure.
template <class Body>
void in_transaction(sqlite::connection& db, Body&& body) {
    db.exec("BEGIN IMMEDIATE");
    try {
        body();
        db.exec("COMMIT");
    } catch (...) {
        try {
            db.exec("ROLLBACK");
        } catch (const sqlite::error&) {
            // SQLite already rolled back (e.g. after SQLITE_FULL): nothing left to undo.
        }
        throw;
    }
}

}  // namespace

write_statements::write_statements(sqlite::connection& db)
    : db_(db),
      insert_event_(db,
                    "INSERT OR IGNORE INTO events(id, instance_no, cluster, type, upgrade_id, "
                    "occurred_at, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
      insert_outbox_(db,
                     "INSERT OR IGNORE INTO outbox(notifier, event_id, status, updated_at) "
                     "VALUES(?1, ?2, 'pending', ?3)"),
      update_outbox_(db,
                     "UPDATE outbox SET status = ?3, attempts = ?4, next_attempt = ?5, "
                     "last_error = ?6, updated_at = ?7 WHERE notifier = ?1 AND event_id = ?2"),
      upsert_cluster_(db,
                      "INSERT INTO clusters(instance_no, name, state, updated_at, silence) "
                      "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(instance_no) DO UPDATE SET "
                      "name = excluded.name, state = excluded.state, "
                      "updated_at = excluded.updated_at, silence = excluded.silence"),
      clear_discovered_(db, "DELETE FROM discovered_clusters"),
      insert_discovered_(
          db,
          "INSERT OR REPLACE INTO discovered_clusters(instance_no, region, listed_name, "
          "name, misses, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"),
      prune_delivered_(db,
                       "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE status = "
                       "'delivered' AND updated_at < ?1 LIMIT ?2)"),
      prune_dead_(db,
                  "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE status = "
                  "'dead' AND updated_at < ?1 LIMIT ?2)"),
      prune_events_(db,
                    "DELETE FROM events WHERE rowid IN (SELECT e.rowid FROM events e WHERE "
                    "e.occurred_at < ?1 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE "
                    "o.event_id = e.id) LIMIT ?2)"),
      prune_upgrades_(db,
                      "DELETE FROM upgrades WHERE rowid IN (SELECT rowid FROM upgrades WHERE "
                      "ended_at IS NOT NULL AND ended_at < ?1 LIMIT ?2)"),
      history_(db) {}

void write_statements::commit(const pending_writes& w, wall_time now) {
    const std::int64_t at = unix_seconds(now);
    in_transaction(db_, [&] {
        for (const routed_event& r : w.events)
            insert_event(r, at);
        for (const auto& [key, u] : w.deliveries)
            update_delivery(u);
        for (const auto& [instance_no, c] : w.clusters) {
            upsert_cluster(c, at);
            history_.record_nodes(c);
        }
        if (w.discovered)
            replace_discovered(*w.discovered, at);
    });
}

void write_statements::insert_event(const routed_event& r, std::int64_t now) {
    const event& e = r.event;
    insert_event_.bind(1, e.id)
        .bind(2, e.cluster.instance_no)
        .bind(3, e.cluster.name)
        .bind(4, to_string(e.type))
        .bind(5, upgrade_id_of(e))
        .bind(6, unix_seconds(e.occurred_at))
        .bind(7, encode_event(e))
        .run();
    if (db_.changes() == 0)
        return;  // already stored (an import, or a retry after a failed commit): once only
    for (const std::string& notifier : r.notifiers)
        insert_outbox_.bind(1, notifier).bind(2, e.id).bind(3, now).run();
    history_.apply(e);
}

void write_statements::update_delivery(const delivery_update& u) {
    update_outbox_.bind(1, u.notifier)
        .bind(2, u.event_id)
        .bind(3, to_string(u.status))
        .bind(4, u.attempts)
        .bind(5, u.next_attempt ? std::optional<std::int64_t>(unix_seconds(*u.next_attempt))
                                : std::nullopt)
        .bind(6, u.last_error)
        .bind(7, unix_seconds(u.at))
        .run();
}

void write_statements::upsert_cluster(const cluster_record& c, std::int64_t now) {
    upsert_cluster_.bind(1, c.instance_no)
        .bind(2, c.name)
        .bind(3, monitor::to_json(c.state, c.instance_no))
        .bind(4, now)
        .bind(5, c.silence ? std::optional<std::string>(encode_silence(*c.silence)) : std::nullopt)
        .run();
}

// The set is small (one row per discovered cluster) and changes rarely: rewriting it whole
// keeps the table exactly the set the daemon last had. (OR REPLACE: a repeated instance_no,
// which the known set never holds, must not fail every later commit.)
void write_statements::replace_discovered(const std::vector<discovered_record>& set,
                                          std::int64_t now) {
    clear_discovered_.run();
    for (const discovered_record& d : set) {
        insert_discovered_.bind(1, d.instance_no)
            .bind(2, d.region)
            .bind(3, d.listed_name)
            .bind(4, d.name)
            .bind(5, d.misses)
            .bind(6, now)
            .run();
    }
}

std::size_t write_statements::prune(wall_time now, duration retention, int limit) {
    const std::int64_t at = unix_seconds(now);
    const std::int64_t cutoff =
        at - std::chrono::duration_cast<std::chrono::seconds>(retention).count();
    std::size_t deleted = 0;
    in_transaction(db_, [&] {
        const auto run = [&](sqlite::statement& s, std::int64_t before) {
            s.bind(1, before).bind(2, limit).run();
            deleted += static_cast<std::size_t>(db_.changes());
        };
        run(prune_delivered_, at - delivered_kept_seconds);
        run(prune_dead_, cutoff);
        run(prune_events_, cutoff);
        run(prune_upgrades_, cutoff);
    });
    return deleted;
}

}  // namespace sesmon::state
