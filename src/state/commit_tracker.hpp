#pragma once
// commit_tracker: the event-loop side of a store with a writer thread. It holds the commit
// handlers until their writes are durable, turns the writer's reports into store_health
// (one log line per episode), and keeps alerting going when the disk hangs: a commit that
// has not finished within `stuck_after` releases every waiting handler with
// store_errc::slow, and later commits complete at once, until the writer reports again.
//
// Handlers run in the order their commits were handed over, a few milliseconds' worth per
// turn of the event loop: after a disk stall thousands complete at once, and running them
// in one go would hold up everything else on the loop (a /metrics scrape, the webhooks
// already due) for as long as they take together.
//
// Touched only on the event-loop thread; the writer reaches it through posted calls, which
// hold a shared_ptr to it (so a late report never lands on a destroyed object).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "sesmon/time.hpp"
#include "state/store.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

class commit_tracker : public std::enable_shared_from_this<commit_tracker> {
  public:
    commit_tracker(boost::asio::any_io_executor executor, duration stuck_after,
                   std::shared_ptr<spdlog::logger> log);

    // A commit is handed to the writer as ticket N; returns N. When the store is degraded
    // the handler is called at once (posted) with the reason, and N is 0 (nobody waits).
    std::uint64_t wait(store::commit_handler done);

    // From the writer (posted): these tickets' writes were attempted; `failure` is empty
    // when they are durable, else the error line.
    void completed(const std::vector<std::uint64_t>& tickets, const std::string& failure);

    // From the writer (posted): runs `answer` (a read's result, a flush marker) after every
    // handler handed over before it, so an answer never overtakes the commits it follows.
    void run_in_order(std::function<void()> answer);

    // From the writer (posted): whether writes reach the disk now.
    void report(bool ok, const std::string& failure);

    // The store could not be opened at all at start (it runs degraded from the first write).
    void start_degraded(const std::string& failure);

    void close();  // releases every handler with store_errc::closed; stops the watchdog

    const store_health& health() const { return health_; }
    void on_health_change(std::function<void(const store_health&)> observer) {
        observer_ = std::move(observer);
    }

  private:
    struct waiting {
        store::commit_handler done;
        std::chrono::steady_clock::time_point since;
    };

    void arm_watchdog();
    void check_stuck();
    void release_all(std::error_code ec);
    // Queues `done` to run with `ec` after everything queued before it.
    void hand_over(store::commit_handler done, std::error_code ec);
    // Runs queued handlers for about a slice, then posts itself for the rest.
    void run_ready();
    void set_health(store_health next);

    boost::asio::any_io_executor executor_;
    duration stuck_after_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::steady_timer watchdog_;
    bool watchdog_armed_ = false;
    std::map<std::uint64_t, waiting> waiting_;
    std::deque<std::function<void()>> ready_;
    bool run_posted_ = false;
    std::uint64_t next_ticket_ = 1;
    bool failing_ = false;  // the writer's last attempt failed
    bool slow_ = false;     // a commit outlived stuck_after
    std::string failure_;
    std::chrono::steady_clock::time_point degraded_since_{};
    store_health health_;
    std::function<void(const store_health&)> observer_;
    bool closed_ = false;
};

}  // namespace sesmon::state
