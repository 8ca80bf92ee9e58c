#pragma once
// delivery_lane: everything the dispatcher does for ONE notifier — its outbox, one FIFO queue
// per cluster, one worker coroutine per cluster with pending events, the retry loop, the
// dead-letter file and the counters. Workers share at most `max_in_flight` attempt slots; a
// worker that waits out a backoff holds no slot, so a dead receiver for one cluster costs the
// others nothing. Internal to src/notify (the dispatcher is the public face).
//
// Lifetime: workers hold a shared_ptr to their lane, so a lane outlives its last worker even
// when the dispatcher drops it. Single-threaded like the dispatcher.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "notify/dispatcher.hpp"
#include "notify/outbox.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

class delivery_lane : public std::enable_shared_from_this<delivery_lane> {
  public:
    delivery_lane(boost::asio::any_io_executor executor, sesmon::notifier_config config,
                  std::shared_ptr<sesmon::notifier> instance, std::filesystem::path state_dir,
                  sesmon::clock& clock, std::shared_ptr<spdlog::logger> logger,
                  std::size_t max_in_flight, std::shared_ptr<std::function<double()>> random);

    // Queues what the outbox holds on disk. Call once, before start().
    void load();
    // Persists `e` and queues it; wakes the cluster's worker when running.
    void enqueue(const sesmon::event& e);
    // Starts a worker for every cluster with pending events, and for later ones.
    void start();
    // Stops every worker (cancelling waits and, where the notifier supports it, attempts).
    // Pending events stay on disk. enqueue() afterwards only persists.
    void close();
    // SIGHUP: the new configuration and notifier apply from the next attempt on.
    void update(sesmon::notifier_config config, std::shared_ptr<sesmon::notifier> instance);

    // The notifier's `events` filter and its format's own limits (PagerDuty).
    bool accepts(sesmon::event_type type) const;
    notifier_counters counters() const;
    const std::string& name() const { return config_.name; }

  private:
    struct cluster_queue {
        std::deque<outbox_entry> entries;
        bool worker_running = false;
        std::shared_ptr<boost::asio::cancellation_signal> cancel;
    };

    void spawn_worker(const std::string& cluster);
    boost::asio::awaitable<void> drain(std::string cluster);
    boost::asio::awaitable<bool> acquire_slot();
    void release_slot();
    void finish(const std::string& cluster, const outbox_entry& entry);
    void dead_letter(const std::string& cluster, const outbox_entry& entry,
                     const std::string& reason);

    boost::asio::any_io_executor executor_;
    sesmon::notifier_config config_;
    std::shared_ptr<sesmon::notifier> notifier_;
    std::filesystem::path state_dir_;
    sesmon::clock& clock_;
    std::shared_ptr<spdlog::logger> logger_;
    std::size_t max_in_flight_;
    std::shared_ptr<std::function<double()>> random_;
    outbox outbox_;
    std::unordered_map<std::string, cluster_queue> queues_;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> slot_waiters_;
    std::size_t in_flight_ = 0;
    std::size_t pending_ = 0;
    notifier_counters counters_;
    bool started_ = false;
    bool closed_ = false;
};

}  // namespace sesmon::notify
