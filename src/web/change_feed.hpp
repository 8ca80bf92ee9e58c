#pragma once
// change_feed: the waiting half of `GET /api/v1/changes?since=REV` (SPEC §13) — a long poll.
// A request whose `since` is the current revision waits until the revision moves, its wait
// ends, or the feed stops; every other request is answered at once.
//
// Why a long poll (docs/http-api.md has the whole argument): it is one ordinary request and
// response, so it passes every proxy, needs nothing new in the HTTP server, and a client that
// reads slowly holds only its own socket write (bounded by the server's write timeout) —
// never the event loop. While nothing changes a waiting request costs one timer and a
// request per wait (25 s by default).
//
// Bounds: at most `max_waiters` requests wait at once (beyond: the caller answers 429 with
// Retry-After); a wait lasts at most `max_wait`; stop() (daemon stop, server swap) releases
// every waiter at once, and later waits return at once.
//
// Single-threaded: notify(), stop() and the waits run on one event loop. notify() is cheap
// when nobody waits (it is called on every revision change).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <functional>
#include <list>

#include "sesmon/time.hpp"

namespace sesmon::web {

struct change_feed_options {
    std::size_t max_waiters = 64;
    duration default_wait = std::chrono::seconds(25);
    // Below the 60 s idle timeout of common reverse proxies (and of our own server).
    duration max_wait = std::chrono::seconds(55);
};

class change_feed {
  public:
    enum class wait_result { changed, timed_out, too_many, stopped };

    change_feed(boost::asio::any_io_executor executor, change_feed_options options = {});
    ~change_feed();
    change_feed(const change_feed&) = delete;
    change_feed& operator=(const change_feed&) = delete;

    const change_feed_options& options() const { return options_; }

    // Waits while `unchanged()` holds, for at most `wait` (clamped to max_wait). `unchanged`
    // is asked at the start and after every notify().
    boost::asio::awaitable<wait_result> wait(std::function<bool()> unchanged, duration wait);

    // Something changed: every waiter looks again.
    void notify();
    // Releases every waiter now; later waits return `stopped` at once.
    void stop();

    std::size_t waiting() const { return timers_.size(); }

  private:
    boost::asio::any_io_executor executor_;
    change_feed_options options_;
    std::list<boost::asio::steady_timer*> timers_;  // one per waiting request
    bool stopped_ = false;
};

}  // namespace sesmon::web
