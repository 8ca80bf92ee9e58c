#pragma once
// etcd_store: the state store of an HA group (SPEC §11), in etcd under the group's prefix
// (layout: group_codec.hpp). Only the leader writes, and only within its term: every write
// is a transaction comparing the leader key's create_revision with the term's, so a member
// that lost the leadership (paused, partitioned, deposed) cannot write anything.
//
// The store contract (store.hpp), as a shared store keeps it:
// - commit(): the batch's events (each with its outbox rows, one key), the parts of its
//   clusters' states that changed (group_writes.hpp) and their heads go into one
//   transaction, together with whatever else was queued within `group_window` (group
//   commit). Groups are cut at etcd's limits between batches, never inside one — unless a
//   batch alone exceeds them: then it is written in order, events first, then the states'
//   parts, then the heads (each cluster's commit point), so that a crash between the parts
//   leaves events whose ids the next leader finds stored (and does not emit again), never a
//   state that records events etcd does not hold. `done` runs once etcd confirmed the
//   last part. While etcd does not answer, or refuses (NOSPACE, permissions), writes are
//   retried in order and `done` waits: nobody alerts from a state that is not durable.
//   etcd's limits are learnt: a transaction refused as too large or with too many
//   operations is cut smaller and sent again. Only a single operation too large for etcd
//   even alone is given up (completed with store_errc::degraded, its events going out from
//   memory; the cluster is rewritten whole by its next commit).
// - health(): degraded while writes fail; `refused` when etcd answers and refuses them
//   (worth an alert: monitor_degraded), rather than not answering. Logged once per episode.
// - Outside a term (a standby; a term that ended) commit() and record() drop their writes
//   and handlers never run: those events were never durable, so they were never emitted;
//   the next leader derives them again from the last durable state.
// - begin_term() takes the group's state as of the term's start — from the member's mirror
//   (group_mirror) once it has applied the revision of the leader key this term created,
//   otherwise by reading the prefix in pages at one revision — and hands it over as the
//   term's initial_state; end_term() drops what is queued.
// - Finished events (every delivery delivered or dead) are deleted after `finished_kept`
//   (the daemon: the compaction retention): etcd holds what is in flight; each member's
//   state.db keeps the history.
// - Compaction: every `compact_every` the leader compacts etcd's history below the newest
//   revision this member saw at least `compaction_retention` ago (0: never; etcd's own
//   --auto-compaction-* then has to), so that etcd's database stays bounded under steady
//   writes while a watch that fell behind by less than the retention still resumes. What
//   the member saw includes what its mirror applied while it was a standby
//   (take_revisions_from), so a leader compacts from its first minute, not only after
//   leading for the whole retention.
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
#include "state/group_writes.hpp"
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
    duration max_retry_delay = std::chrono::seconds(10);  // refusals back off up to this
    duration finished_kept = std::chrono::hours(1);
    duration prune_every = std::chrono::minutes(1);
    // etcd's defaults: --max-txn-ops 128, --max-request-bytes 1.5 MiB (base64 grows by 4/3).
    // Lowered when etcd refuses a transaction as too large.
    std::size_t max_ops = 120;
    std::size_t max_bytes = 1024 * 1024;
    std::int64_t page_keys = 1000;  // keys per answer of the takeover's read
    // How long a takeover waits for the mirror to reach the term's revision before it reads
    // the group itself.
    duration mirror_wait = std::chrono::seconds(2);
    duration compaction_retention = std::chrono::minutes(5);  // 0: never compact
    duration compact_every = std::chrono::minutes(1);
};

class group_image;

// The mirror's image when it holds every change up to `revision` (else nullptr).
using image_source = std::function<const group_image*(std::int64_t revision)>;

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

    // Where begin_term() may find the group's state without reading it.
    void take_images_from(image_source source) { image_source_ = std::move(source); }
    // The newest etcd revision this member saw applied at or before a time (0: none), for
    // compaction; the store's own writes count as well.
    using revision_history = std::function<std::int64_t(std::chrono::steady_clock::time_point at)>;
    void take_revisions_from(revision_history history) { history_ = std::move(history); }

    // Transactions sent so far that etcd confirmed (tests and metrics).
    std::uint64_t transactions() const { return transactions_; }
    // The last revision this store compacted etcd's history below (0: none yet).
    std::int64_t compacted() const { return compacted_; }

  private:
    struct op {
        std::string key;
        std::optional<std::string> value;  // a put, its value fixed at commit
        std::string range_end;             // a deletion of [key, range_end)
        std::int64_t seq = 0;              // an event: its current value at send time
        bool remove = false;
        std::size_t cost = 0;  // bytes in a request
    };
    struct unit {
        std::vector<op> ops;
        commit_handler done;
        std::uint64_t number = 0;
        std::uint64_t batch = 0;            // the commit it is (a part of)
        std::vector<std::string> clusters;  // whose state it writes (a part of)
    };
    struct flush_waiter {
        std::uint64_t after = 0;  // done once every unit up to this number was attempted
        std::function<void()> done;
    };
    struct revision_sample {
        std::chrono::steady_clock::time_point at;
        std::int64_t revision = 0;
    };

    void enqueue(unit u);
    void enqueue_split(std::vector<op> ops, commit_handler done, std::vector<std::string> clusters);
    void wake();
    boost::asio::awaitable<void> load(std::uint64_t generation,
                                      std::function<void(initial_state)> loaded);
    boost::asio::awaitable<std::optional<initial_state>> read_group(std::uint64_t generation);
    initial_state take_over(const group_image& image);
    boost::asio::awaitable<void> write(std::uint64_t generation);
    boost::asio::awaitable<void> compact();
    std::size_t take_group(ha::txn_request& txn, std::size_t& bytes) const;
    bool shrink_limits(const ha::etcd_error& e, std::size_t ops, std::size_t bytes);
    void resplit();
    void give_up_first(const ha::etcd_error& e);
    void completed(std::size_t units, std::error_code ec);
    void release_flushes(bool all);
    void prune();
    void plan_discovered(const std::vector<discovered_record>& next, std::vector<op>& out);
    void set_health(store_health next);
    void note(const std::optional<ha::etcd_error>& e);

    boost::asio::any_io_executor executor_;
    ha::etcd_client& client_;
    const sesmon::clock& clock_;
    etcd_store_options options_;
    group::keys keys_;
    std::shared_ptr<spdlog::logger> log_;
    image_source image_source_;
    revision_history history_;

    std::optional<ha::term> term_;
    std::uint64_t generation_ = 0;  // changes with every begin_term/end_term
    bool loaded_ = false;
    std::map<std::int64_t, group::stored_event> events_;
    std::unordered_map<std::string, std::int64_t> seq_of_;  // event id → seq
    // Each cluster as it will stand once what is queued is written.
    std::unordered_map<std::string, group::stored_cluster> clusters_;
    std::map<std::string, discovered_record> discovered_;  // likewise, discovery's known set
    std::int64_t next_seq_ = 1;
    std::deque<unit> queue_;
    std::uint64_t next_unit_ = 1;
    std::uint64_t next_batch_ = 1;
    std::uint64_t attempted_through_ = 0;  // last unit number done with (written or dropped)
    bool writing_ = false;
    std::vector<flush_waiter> flush_waiters_;
    boost::asio::steady_timer wake_timer_;
    std::chrono::steady_clock::time_point prune_at_{};
    std::chrono::steady_clock::time_point compact_at_{};
    std::deque<revision_sample> samples_;
    std::int64_t last_revision_ = 0;  // of the last transaction etcd confirmed
    std::int64_t compacted_ = 0;
    bool compaction_failing_ = false;
    duration backoff_{};
    store_health health_;
    std::function<void(const store_health&)> health_observer_;
    std::function<void(const ha::term&)> on_fenced_;
    std::function<void(const std::optional<ha::etcd_error>&)> on_etcd_;
    std::uint64_t transactions_ = 0;
    bool split_warned_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sesmon::state
