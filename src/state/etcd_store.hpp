#pragma once
// etcd_store: the state store of an HA group (SPEC §11), in etcd under the group's prefix
// (layout: group_codec.hpp). Only the leader writes, and only within its term: every write
// is a transaction comparing the leader key's create_revision with the term's, so a member
// that lost the leadership (paused, partitioned, deposed) cannot write anything.
//
// The store contract (store.hpp), as a shared store keeps it:
// - commit(): the batch's cluster states and events (each event with its outbox rows, one
//   key) go into one transaction together with whatever else was queued within
//   `group_window` (group commit). Groups are cut at etcd's limits between batches, never
//   inside one — unless a batch alone exceeds them: then its events go first and its state
//   last (a crash in between leaves events whose ids the next leader emits again, and it
//   keeps the stored ones). `done` runs once etcd confirmed the write. While etcd does not
//   answer, writes are retried and `done` waits: with etcd unreachable nobody alerts. A
//   write etcd refuses outright (too large) completes with store_errc::degraded: its
//   events go out from memory, as with a failing disk.
// - Outside a term (a standby; a term that ended) commit() and record() drop their writes
//   and handlers never run: those events were never durable, so they were never emitted;
//   the next leader derives them again from the last durable state.
// - begin_term() reads the group's state (clusters, events with pending deliveries) and
//   hands it over as the term's initial_state; end_term() drops what is queued.
// - Finished events (every delivery delivered or dead) are deleted after `finished_kept`:
//   etcd holds what is in flight; each member's state.db keeps the history.
//
// Single-threaded: call on the executor's thread; handlers run there.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ha/election.hpp"
#include "ha/etcd_client.hpp"
#include "sesmon/clock.hpp"
#include "state/group_codec.hpp"
#include "state/store.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

struct etcd_store_options {
    std::string prefix;  // the group's, without a trailing '/'
    duration group_window = std::chrono::milliseconds(10);
    duration request_timeout = std::chrono::seconds(5);
    duration retry_delay = std::chrono::milliseconds(250);
    duration finished_kept = std::chrono::hours(1);
    duration prune_every = std::chrono::minutes(1);
    // etcd's defaults: --max-txn-ops 128, --max-request-bytes 1.5 MiB (base64 grows by 4/3).
    std::size_t max_ops = 120;
    std::size_t max_bytes = 1024 * 1024;
};

class etcd_store final : public store {
  public:
    etcd_store(boost::asio::any_io_executor executor, ha::etcd_client& client,
               const sesmon::clock& clock, etcd_store_options options,
               std::shared_ptr<spdlog::logger> logger);
    ~etcd_store() override;
    etcd_store(const etcd_store&) = delete;
    etcd_store& operator=(const etcd_store&) = delete;

    // Starts a term: reads the group's state (retrying until etcd answers or the term ends)
    // and calls `loaded` with it on the executor.
    void begin_term(const ha::term& t, std::function<void(initial_state)> loaded);
    // Ends the term: queued writes and their handlers are dropped; flush waiters released.
    void end_term();
    bool in_term() const { return term_.has_value(); }
    // Called when a write failed its fence (the leadership is gone), and with every etcd
    // outcome (for the once-per-episode log).
    void on_fenced(std::function<void(const ha::term&)> f) { on_fenced_ = std::move(f); }
    void on_etcd(std::function<void(const std::optional<ha::etcd_error>&)> f) {
        on_etcd_ = std::move(f);
    }

    initial_state take_initial() override { return {}; }  // see begin_term
    void commit(batch b, commit_handler done) override;
    void record(delivery_update u) override;
    void load_cluster(std::string instance_no,
                      std::function<void(std::optional<cluster_record>)> done) override;
    void load_pending(std::string notifier,
                      std::function<void(std::vector<delivery_record>)> done) override;
    void flush(std::function<void()> done) override;
    void close() override;
    store_health health() const override { return health_; }
    void on_health_change(std::function<void(const store_health&)> observer) override {
        health_observer_ = std::move(observer);
    }

    // Transactions sent so far that etcd confirmed (tests and metrics).
    std::uint64_t transactions() const { return transactions_; }

  private:
    struct op {
        std::string key;
        std::optional<std::string> value;  // a cluster's state, fixed at commit
        std::int64_t seq = 0;              // an event: its current value at send time
        bool remove = false;
    };
    struct unit {
        std::vector<op> ops;
        commit_handler done;
        std::uint64_t number = 0;
    };
    struct flush_waiter {
        std::uint64_t after = 0;  // done once every unit up to this number was attempted
        std::function<void()> done;
    };

    void enqueue(unit u);
    void wake();
    boost::asio::awaitable<void> load(std::uint64_t generation,
                                      std::function<void(initial_state)> loaded);
    boost::asio::awaitable<void> write(std::uint64_t generation);
    std::size_t take_group(ha::txn_request& txn) const;
    void completed(std::size_t units, std::error_code ec);
    void release_flushes(bool all);
    void prune();
    void set_health(store_health next);
    void note(const std::optional<ha::etcd_error>& e);

    boost::asio::any_io_executor executor_;
    ha::etcd_client& client_;
    const sesmon::clock& clock_;
    etcd_store_options options_;
    group::keys keys_;
    std::shared_ptr<spdlog::logger> log_;

    std::optional<ha::term> term_;
    std::uint64_t generation_ = 0;  // changes with every begin_term/end_term
    bool loaded_ = false;
    std::map<std::int64_t, group::stored_event> events_;
    std::unordered_map<std::string, std::int64_t> seq_of_;  // event id → seq
    std::unordered_map<std::string, cluster_record> clusters_;
    std::int64_t next_seq_ = 1;
    std::deque<unit> queue_;
    std::uint64_t next_unit_ = 1;
    std::uint64_t attempted_through_ = 0;  // last unit number done with (written or dropped)
    bool writing_ = false;
    std::vector<flush_waiter> flush_waiters_;
    boost::asio::steady_timer wake_timer_;
    std::chrono::steady_clock::time_point prune_at_{};
    store_health health_;
    std::function<void(const store_health&)> health_observer_;
    std::function<void(const ha::term&)> on_fenced_;
    std::function<void(const std::optional<ha::etcd_error>&)> on_etcd_;
    std::uint64_t transactions_ = 0;
    bool split_warned_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sesmon::state
