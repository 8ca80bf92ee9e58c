#include "monitor/rate_limiter.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <cmath>

namespace sesmon::monitor {

namespace asio = boost::asio;

rate_limiter::permit& rate_limiter::permit::operator=(permit&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
    }
    return *this;
}

void rate_limiter::permit::release() {
    if (auto* owner = std::exchange(owner_, nullptr))
        owner->release_slot();
}

rate_limiter::rate_limiter(asio::any_io_executor executor, const sesmon::clock& clock, limits l)
    : executor_(std::move(executor)),
      clock_(clock),
      limits_(l),
      tokens_(burst()),
      refilled_at_(clock.steady_now()),
      token_timer_(executor_) {}

rate_limiter::~rate_limiter() = default;

double rate_limiter::burst() const {
    // One second's worth of requests, at least one: enough to absorb a round of timers
    // that fire together without letting a long idle period turn into a flood.
    return std::max(1.0, limits_.requests_per_second);
}

void rate_limiter::set_limits(limits l) {
    limits_ = l;
    tokens_ = std::min(tokens_, burst());
    pump();
}

void rate_limiter::refill() {
    const auto now = clock_.steady_now();
    if (limits_.requests_per_second > 0 && now > refilled_at_) {
        const double elapsed = std::chrono::duration<double>(now - refilled_at_).count();
        tokens_ = std::min(burst(), tokens_ + elapsed * limits_.requests_per_second);
    }
    refilled_at_ = now;
}

bool rate_limiter::can_grant_now() {
    if (limits_.max_in_flight > 0 && in_flight_ >= limits_.max_in_flight)
        return false;
    if (limits_.requests_per_second <= 0)
        return true;
    refill();
    return tokens_ >= 1.0;
}

void rate_limiter::grant_front() {
    waiter* w = waiters_.front();
    waiters_.pop_front();
    if (limits_.requests_per_second > 0)
        tokens_ -= 1.0;
    ++in_flight_;
    w->granted = true;
    w->wake.cancel();
}

// Grants waiters from the front while both limits allow; if only the token bucket holds
// the front back, arms one timer for the moment the next token exists.
void rate_limiter::pump() {
    while (!waiters_.empty() && can_grant_now())
        grant_front();
    if (waiters_.empty() || token_timer_armed_)
        return;
    if (limits_.max_in_flight > 0 && in_flight_ >= limits_.max_in_flight)
        return;  // release pumps
    const double missing = 1.0 - tokens_;
    const auto wait = std::chrono::duration_cast<duration>(
        std::chrono::duration<double>(missing / limits_.requests_per_second));
    token_timer_armed_ = true;
    token_timer_.expires_after(std::max(wait, duration(1)));
    token_timer_.async_wait([this](boost::system::error_code ec) {
        token_timer_armed_ = false;
        if (ec != asio::error::operation_aborted)
            pump();
    });
}

void rate_limiter::release_slot() {
    --in_flight_;
    pump();
}

asio::awaitable<rate_limiter::permit> rate_limiter::acquire() {
    if (waiters_.empty() && can_grant_now()) {
        if (limits_.requests_per_second > 0)
            tokens_ -= 1.0;
        ++in_flight_;
        co_return permit(this);
    }
    waiter self{asio::steady_timer(executor_, steady_time::max()), false};
    waiters_.push_back(&self);
    const auto position = std::prev(waiters_.end());
    pump();
    if (!self.granted) {
        co_await self.wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (!self.granted) {
        // Cancelled while queued: give up the place in line.
        waiters_.erase(position);
        pump();
        throw boost::system::system_error(asio::error::operation_aborted);
    }
    co_return permit(this);
}

}  // namespace sesmon::monitor
