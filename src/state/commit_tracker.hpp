#pragma once
// commit_tracker: the event-loop side of a store with a writer thread. It holds the commit
// handlers until their writes are durable, turns the writer's reports into store_health,
// and keeps alerting going when the disk hangs: a commit that has not finished within
// `stuck_after` releases every waiting handler with store_errc::slow, and later commits
// complete at once, until a write finishes within `stuck_after` again.
//
// Episodes (SPEC §12, invariant 8): the store is degraded from the first failed (or too
// slow) write until a write succeeds within `stuck_after` — a disk that takes every write,
// but slowly, is one episode, not one per write. Each episode logs one error line when it
// begins, one warning for each of its first few new reasons (full, then read-only, ...),
// one warning if it drops event records from memory, and one info line when it ends. Damage
// found by the integrity check keeps the store degraded until the next start.
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
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "sesmon/time.hpp"
#include "state/store.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

// What one attempt of the writer to write came to.
struct write_attempt {
    bool ok = true;
    std::string failure;  // when !ok: the error line
    duration took{};
};

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

    // From the writer (posted): how its last attempt to write went.
    void report(const write_attempt& a);
    // From the integrity check (posted): state.db is damaged; degraded until the next start.
    void report_damaged(const std::string& problem);
    // From the writer (posted): `total` event records were dropped from memory so far.
    void events_dropped(std::size_t total);

    // The store could not be opened for writing at start (it runs degraded from the start).
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
    // What health is when the disk works (damage found still counts).
    store_health healthy() const;
    std::string slow_reason() const;

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
    std::string damaged_;  // the integrity check's finding, until the next start
    std::chrono::steady_clock::time_point degraded_since_{};
    // This episode's: reasons logged, and dropped event records (the total when it began).
    std::set<std::string> reasons_said_;
    std::size_t dropped_total_ = 0;
    std::size_t dropped_before_episode_ = 0;
    bool dropped_said_ = false;
    store_health health_;
    std::function<void(const store_health&)> observer_;
    bool closed_ = false;
};

}  // namespace sesmon::state
