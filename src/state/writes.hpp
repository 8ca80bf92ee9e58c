#pragma once
// writes: the prepared statements of the writer's connection and how a group of pending
// writes becomes rows — the body of one group-commit transaction, and the retention pruning.
#include <cstddef>

#include "sesmon/time.hpp"
#include "state/history.hpp"
#include "state/pending_writes.hpp"
#include "state/sqlite.hpp"

namespace sesmon::state {

class write_statements {
  public:
    explicit write_statements(sqlite::connection& db);

    // Writes everything in `w` inside one transaction (BEGIN IMMEDIATE … COMMIT). Events go
    // first (with their outbox rows and history), then delivery results (which may refer to
    // those events), then cluster states, then the discovered set when it changed. Throws
    // sqlite::error after rolling back.
    void commit(const pending_writes& w, wall_time now);

    // One small step of retention pruning, in its own transaction: at most `limit` rows of
    // each kind. Delivered outbox rows go after a day; dead ones, events no outbox row needs
    // and finished upgrades (with their node timelines) after `retention`. Returns the rows
    // deleted (0 = nothing left to prune).
    std::size_t prune(wall_time now, duration retention, int limit);

  private:
    void insert_event(const routed_event& r, std::int64_t now);
    void update_delivery(const delivery_update& u);
    void upsert_cluster(const cluster_record& c, std::int64_t now);
    void replace_discovered(const std::vector<discovered_record>& set, std::int64_t now);

    sqlite::connection& db_;
    sqlite::statement insert_event_;
    sqlite::statement insert_outbox_;
    sqlite::statement update_outbox_;
    sqlite::statement upsert_cluster_;
    sqlite::statement clear_discovered_;
    sqlite::statement insert_discovered_;
    sqlite::statement prune_delivered_;
    sqlite::statement prune_dead_;
    sqlite::statement prune_events_;
    sqlite::statement prune_upgrades_;
    history_writer history_;
};

}  // namespace sesmon::state
