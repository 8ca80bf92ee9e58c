#pragma once
// delivery_lane: everything the dispatcher does for ONE notifier — one FIFO queue per
// cluster, one worker coroutine per cluster with pending events, the retry loop, and the
// delivery results written back to the state store. Workers share at most `max_in_flight`
// attempt slots; a worker that waits out a backoff holds no slot, so a dead receiver for one
// cluster costs the others nothing. Internal to src/notify (the dispatcher is the public
// face).
//
// What the lane queues is already durable: the store committed the outbox row before the
// event was enqueued (or the row was loaded from the store at start). The lane only records
// what became of each attempt (state::store::record): delivered, retry scheduled, dead.
//
// Lifetime: workers hold a shared_ptr to their lane, so a lane outlives its last worker even
// when the dispatcher drops it. Single-threaded like the dispatcher.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "notify/dispatcher.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/notifier.hpp"
#include "state/records.hpp"

namespace sesmon::state {
class store;
}

namespace sesmon::notify {

class delivery_lane : public std::enable_shared_from_this<delivery_lane> {
  public:
    delivery_lane(boost::asio::any_io_executor executor, sesmon::notifier_config config,
                  std::shared_ptr<sesmon::notifier> instance, state::store& store,
                  sesmon::clock& clock, std::shared_ptr<spdlog::logger> logger,
                  std::size_t max_in_flight, std::shared_ptr<std::function<double()>> random);

    // The lane's stored pending deliveries arrive later (a notifier added by a reload):
    // until load() is called, enqueued events wait and no worker starts.
    void expect_load();
    // Queues the stored pending deliveries (outbox order), ahead of anything enqueued while
    // they were being read; an event both stored and enqueued is queued once.
    void load(std::vector<state::delivery_record> rows);
    // Queues a committed event; wakes the cluster's worker when running.
    void enqueue(const sesmon::event& e);
    // Starts a worker for every cluster with pending events, and for later ones.
    void start();
    // Stops every worker (cancelling waits and, where the notifier supports it, attempts).
    // What is pending stays pending in the store. enqueue() afterwards only counts.
    void close();
    // SIGHUP: the new configuration and notifier apply from the next attempt on.
    void update(sesmon::notifier_config config, std::shared_ptr<sesmon::notifier> instance);
    // Digests waiting for their period look at the clock again (dispatcher::clock_moved).
    void recheck_digests();

    const sesmon::notifier_config& config() const { return config_; }
    notifier_counters counters() const;
    const std::string& name() const { return config_.name; }

  private:
    struct queued {
        sesmon::event event;
        int attempts = 0;                     // failed attempts so far
        std::optional<wall_time> not_before;  // a retry scheduled before a restart
    };
    struct cluster_queue {
        std::deque<queued> entries;
        bool worker_running = false;
        std::shared_ptr<boost::asio::cancellation_signal> cancel;
        // Set while a digest waits for its period: anything queued ends the wait early.
        std::shared_ptr<boost::asio::steady_timer> digest_wait;
    };

    void push(queued entry);
    bool can_run() const { return started_ && !closed_ && !loading_; }
    void spawn_worker(const std::string& cluster);
    boost::asio::awaitable<void> drain(std::string cluster);
    boost::asio::awaitable<bool> acquire_slot();
    void release_slot();
    void pop(const std::string& cluster, const std::string& event_id);
    void dead_letter(const std::string& cluster, const queued& entry, const std::string& reason);
    // SPEC §14: the events the front of `cluster`'s queue sends as one message (one, or a
    // digest's members); empty while a digest waits (it waited, the caller looks again).
    boost::asio::awaitable<std::vector<queued>> next_message(const std::string& cluster);
    // How long until `e` is older than retry.max_age (zero when it already is).
    duration until_expiry(const sesmon::event& e) const;
    void record(const queued& entry, state::delivery_status status, int attempts,
                std::optional<wall_time> next_attempt, const std::string& error);

    boost::asio::any_io_executor executor_;
    sesmon::notifier_config config_;
    std::shared_ptr<sesmon::notifier> notifier_;
    state::store& store_;
    sesmon::clock& clock_;
    std::shared_ptr<spdlog::logger> logger_;
    std::size_t max_in_flight_;
    std::shared_ptr<std::function<double()>> random_;
    std::unordered_map<std::string, cluster_queue> queues_;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> slot_waiters_;
    std::size_t in_flight_ = 0;
    std::size_t pending_ = 0;
    // The ids of the last 256 events this lane finished (delivered or dead), oldest first:
    // enqueue() ignores them (see there).
    std::unordered_set<std::string> recently_finished_;
    std::deque<std::string> finished_order_;
    notifier_counters counters_;
    bool started_ = false;
    bool closed_ = false;
    bool loading_ = false;
};

}  // namespace sesmon::notify
