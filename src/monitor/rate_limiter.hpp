#pragma once
// rate_limiter: the client-side limits on API calls across all clusters (api.max_in_flight,
// api.max_requests_per_second): a token bucket plus a counting semaphore.
//
// acquire() is an awaitable that completes with a permit once a token is available and fewer
// than max_in_flight permits are held. Waiters are served strictly in arrival order (FIFO),
// so no cluster starves; acquire and release are O(1) (a linked list of waiters and one
// timer for the next token). The permit releases its in-flight slot when destroyed.
//
// Single-threaded: every call on the io_context thread. Cancelling the awaiting coroutine
// (terminal cancellation) removes its place in the queue and throws operation_aborted.
// The limiter must outlive every permit and every pending acquire.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <list>

#include "sesmon/clock.hpp"
#include "sesmon/time.hpp"

namespace sesmon::monitor {

class rate_limiter {
  public:
    struct limits {
        double requests_per_second = 20;  // <= 0: no rate limit
        int max_in_flight = 16;           // <= 0: no concurrency limit
    };

    class permit {
      public:
        permit() = default;
        explicit permit(rate_limiter* owner) : owner_(owner) {}
        permit(permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
        permit& operator=(permit&& other) noexcept;
        permit(const permit&) = delete;
        permit& operator=(const permit&) = delete;
        ~permit() { release(); }
        void release();

      private:
        rate_limiter* owner_ = nullptr;
    };

    rate_limiter(boost::asio::any_io_executor executor, const sesmon::clock& clock, limits l);
    ~rate_limiter();
    rate_limiter(const rate_limiter&) = delete;
    rate_limiter& operator=(const rate_limiter&) = delete;

    // Waits for a token and an in-flight slot, in FIFO order.
    boost::asio::awaitable<permit> acquire();

    // New limits apply to the next grant (reload). The bucket keeps its current tokens,
    // capped at the new burst.
    void set_limits(limits l);

    int in_flight() const { return in_flight_; }
    std::size_t waiting() const { return waiters_.size(); }

  private:
    struct waiter {
        boost::asio::steady_timer wake;
        bool granted = false;
    };

    void refill();
    bool can_grant_now();
    void grant_front();
    void pump();
    void release_slot();
    double burst() const;

    boost::asio::any_io_executor executor_;
    const sesmon::clock& clock_;
    limits limits_;
    double tokens_;
    steady_time refilled_at_;
    int in_flight_ = 0;
    std::list<waiter*> waiters_;
    boost::asio::steady_timer token_timer_;
    bool token_timer_armed_ = false;
};

}  // namespace sesmon::monitor
