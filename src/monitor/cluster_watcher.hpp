#pragma once
// cluster_watcher: the poll loop of one cluster, all of them on one io_context. A sleeping
// watcher costs its timer and one small callback wait; a coroutine exists only while it
// polls (poll_once: permit, fetch, handler). At 10,000 clusters a coroutine per sleeping
// watcher would hold ≈ 1 KiB of frames and handlers each (docs/performance.md, "Memory").
//
// Each round: take a permit from the shared rate_limiter, fetch the progress through the
// progress_source, hand the result to the poll_handler (which feeds the tracker and passes
// events on), then sleep:
// - `polling.interval` while the handler says an upgrade is in progress, `idle_interval`
//   otherwise, both spread by ±`polling.jitter`;
// - after a failure: exponential backoff with full jitter up to `polling.max_backoff`;
//   auth errors wait `max_backoff`; a server's Retry-After is never undercut.
// A slow request only holds its own watcher (and one in-flight slot); the others keep going.
//
// A watcher ends only when stopped: an exception inside a poll (from the source, or from the
// handler, below) is logged and counts as a failed poll, so a cluster is never dropped from
// monitoring in silence.
//
// Lifetime: created with make_shared, start() once, stop() to end. The pending wait or poll
// keeps the watcher alive until it has finished; the source, limiter and handler must
// outlive it.
#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "monitor/backoff.hpp"
#include "monitor/rate_limiter.hpp"
#include "sesmon/api_error.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/progress_source.hpp"
#include "sesmon/snapshot.hpp"

namespace sesmon::monitor {

// What a watcher does with the outcome of a poll. Called on the io_context thread. Should
// not throw; if on_success throws, the error is logged and the poll counts as failed
// (on_failure follows, with kind invalid_response), so that monitoring goes on and a
// lasting problem ends in the blind alert. A throw from on_failure is logged.
class poll_handler {
  public:
    virtual ~poll_handler() = default;
    // A successful poll that took `elapsed`. Returns true while an upgrade is in progress
    // (the watcher then polls at `interval`, else at `idle_interval`).
    virtual bool on_success(const snapshot& s, duration elapsed) = 0;
    // A failed poll.
    virtual void on_failure(const api_error& error, duration elapsed) = 0;
    // A poll starts (its permit granted, the request about to go) `lateness` after the time
    // it was scheduled for: the rate limiter's queue plus any delay of the event loop.
    virtual void on_poll_started(duration lateness) { (void)lateness; }
};

struct watcher_options {
    std::string name;  // the cluster name, for logs
    cluster_target target;
    polling_config polling;
    duration initial_backoff = std::chrono::seconds(1);
    duration min_backoff = std::chrono::milliseconds(100);
    // Delay of the very first poll is uniform in [0, first_poll_spread], so that a daemon
    // starting with many clusters does not fire them all at once. 0 = poll immediately.
    duration first_poll_spread{0};
    // Poll times are rounded up to a multiple of this (on the steady clock), so that the
    // watchers of many clusters wake the event loop together, a few polls per wake-up,
    // instead of once per poll (each wake-up is a context switch). 0 = exact times.
    duration schedule_grid{0};
};

class cluster_watcher : public std::enable_shared_from_this<cluster_watcher> {
  public:
    using random_engine = std::mt19937_64;

    cluster_watcher(boost::asio::any_io_executor executor, progress_source& source,
                    rate_limiter& limiter, const sesmon::clock& clock, random_engine& rng,
                    poll_handler& handler, std::shared_ptr<spdlog::logger> logger,
                    watcher_options options);

    // Starts the loop. `on_exit` (optional) runs when the coroutine has ended.
    void start(std::function<void()> on_exit = {});
    // Ends the loop: an in-progress wait, permit request or fetch is cancelled. Idempotent.
    void stop();
    // New polling options (reload). They apply from the next scheduling decision; a pending
    // sleep is shortened if the new schedule says the next poll is due sooner.
    void update(const polling_config& polling);
    // Polls as soon as possible (a permit is still needed).
    void poll_now();

    const std::string& name() const { return options_.name; }
    const watcher_options& options() const { return options_; }
    bool running() const { return running_; }
    int consecutive_failures() const { return failures_; }
    std::uint64_t polls() const { return polls_; }
    // When the next poll is due (steady clock); meaningful while sleeping.
    steady_time next_poll_at() const { return next_poll_at_; }

  private:
    // Sleeps until the timer's expiry (a callback wait: a sleeping watcher holds no
    // coroutine frame), then polls through wake().
    void wait();
    void wake();
    boost::asio::awaitable<void> poll_once();
    void on_failed_poll(const api_error& error, duration elapsed);
    // The poll's coroutine has ended: schedule the next one, or finish.
    void after_poll(std::exception_ptr error);
    void finish();
    duration next_delay();
    double draw();
    void arm(steady_time at);

    boost::asio::any_io_executor executor_;
    progress_source& source_;
    rate_limiter& limiter_;
    const sesmon::clock& clock_;
    random_engine& rng_;
    poll_handler& handler_;
    std::shared_ptr<spdlog::logger> logger_;
    watcher_options options_;

    boost::asio::steady_timer timer_;
    boost::asio::cancellation_signal cancel_;  // cancels the poll in progress
    std::function<void()> on_exit_;
    bool running_ = false;
    bool stopping_ = false;
    bool in_progress_ = false;
    int failures_ = 0;
    std::optional<api_error> last_error_;
    std::uint64_t polls_ = 0;
    steady_time last_poll_at_{};
    steady_time next_poll_at_{};
};

}  // namespace sesmon::monitor
