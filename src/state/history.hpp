#pragma once
// history: the upgrade history tables (upgrades, node_statuses; schema in database.hpp),
// derived from the events as they are committed — the same transaction as the event and the
// state that emitted it, so history never disagrees with what was alerted.
//
// Rules per event type:
//   upgrade_started   an upgrades row (outcome in_progress)
//   node_changed      the node's open status row ends at the new status's start; a row for
//                     the new status opens (the first change also records the status it
//                     left, from the upgrade's start)
//   upgrade_failed    outcome failed (unless finished)
//   upgrade_finished  outcome finished, finished_at, ended_at
//   upgrade_vanished  outcome vanished (failed stays failed), ended_at
// Other events do not touch the history. And with every cluster state committed while its
// upgrade is in progress (record_nodes): a node of that upgrade without a row gets one for
// its current status, from when it entered it (not before the upgrade's start) — so the
// timeline has a row for every node, also those that have not changed yet, and a node's
// first change then closes that row.
#include <string>
#include <string_view>

#include "sesmon/event.hpp"
#include "state/records.hpp"
#include "state/sqlite.hpp"

namespace sesmon::state {

// The id of an upgrade in the history: 16 hex digits of SHA-256 over the cluster's
// instance_no and the upgrade's action_date and target version as events carry them.
std::string upgrade_id(std::string_view instance_no, std::string_view action_date,
                       std::string_view to_version);
// The upgrade id of an event about an upgrade; "" for events without one.
std::string upgrade_id_of(const sesmon::event& e);

// Prepared statements for the history tables, on the writer's connection.
class history_writer {
  public:
    explicit history_writer(sqlite::connection& db);
    // Applies one event's rule (above). Call inside the transaction that inserts the event.
    void apply(const sesmon::event& e);
    // The rule for cluster states (above). Call after the batch's events.
    void record_nodes(const cluster_record& c);

  private:
    void ensure_upgrade(const std::string& id, const sesmon::event& e);

    sqlite::connection& db_;
    sqlite::statement insert_upgrade_;
    sqlite::statement update_progress_;
    sqlite::statement mark_failed_;
    sqlite::statement mark_finished_;
    sqlite::statement mark_vanished_;
    sqlite::statement close_node_;
    sqlite::statement open_node_;
    sqlite::statement first_node_row_;
};

}  // namespace sesmon::state
