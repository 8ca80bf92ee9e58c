#pragma once
// store: where the daemon's durable state lives (SPEC §6) — cluster states, the events they
// emitted, the notification outbox and the upgrade history. One interface, two backends:
// sqlite_store (state.db, the default) and, in HA mode, a store in etcd.
//
// The contract the daemon builds exactly-once alerting on:
// - commit(b, done) makes the batch durable as one unit: the clusters' states and the
//   events they record as emitted, with one outbox row per (event, notifier). `done` runs
//   on the daemon's executor once that is durable (error code empty) or has failed
//   (degraded: the caller delivers the events from memory and the store keeps retrying the
//   write). Only after `done` may the events reach a notifier.
// - Batches become durable in the order they were committed; their `done` run in that order.
// - record(u) writes a delivery result; results are grouped with other writes and nobody
//   waits for them (a crash before they are durable repeats a delivery: at-least-once).
// - Reads through load_cluster/load_pending see every write queued before them.
// - Nothing here blocks the calling thread on the disk, except construction (open, migrate,
//   import, initial load) and close().
//
// Threading: call from the daemon's event-loop thread only. Completion handlers are posted
// to the executor given at construction and run there.
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "state/records.hpp"

namespace sesmon::state {

// Error codes handed to commit handlers.
enum class store_errc {
    degraded = 1,  // the write failed (disk full, read-only, I/O error); retried later
    slow,          // the write has not finished in time (hung disk); it may still finish
    closed,        // the store was closed before the write could be attempted
};
const std::error_category& store_category();
std::error_code make_error_code(store_errc e);

class store {
  public:
    using commit_handler = std::function<void(std::error_code)>;

    virtual ~store() = default;

    // What the store held when it was opened (moved out: call once, at start).
    virtual initial_state take_initial() = 0;

    // See the contract above. `done` may be empty for batches nobody waits for.
    virtual void commit(batch b, commit_handler done) = 0;
    virtual void record(delivery_update u) = 0;

    // The stored state of one cluster (a cluster added by a reload), or nullopt.
    virtual void load_cluster(std::string instance_no,
                              std::function<void(std::optional<cluster_record>)> done) = 0;
    // The pending deliveries of one notifier (a notifier added by a reload), in outbox order.
    virtual void load_pending(std::string notifier,
                              std::function<void(std::vector<delivery_record>)> done) = 0;

    // `done` runs once every write queued before this call has been attempted. (sqlite_store:
    // or at once while it is degraded — those writes wait in memory for the retry — so that a
    // flush never waits for a failing or hung disk.)
    virtual void flush(std::function<void()> done) = 0;

    // Makes one last attempt at everything queued and stops; blocks until done, or for a
    // bounded time (sqlite_store: close_timeout) when the disk does not answer. Commit
    // handlers still waiting complete with store_errc::closed. Idempotent.
    virtual void close() = 0;

    virtual store_health health() const = 0;
    // Called on the executor whenever health() changes.
    virtual void on_health_change(std::function<void(const store_health&)> observer) = 0;
};

}  // namespace sesmon::state

template <>
struct std::is_error_code_enum<sesmon::state::store_errc> : std::true_type {};
