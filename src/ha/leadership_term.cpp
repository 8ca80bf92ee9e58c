#include "ha/leadership_term.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sesmon::ha {

namespace asio = boost::asio;

namespace {

constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

}  // namespace

leadership_term::leadership_term(asio::any_io_executor executor, const sesmon::clock& clock,
                                 term id, duration ttl, steady_time confirmed_sent)
    : executor_(std::move(executor)),
      clock_(clock),
      id_(id),
      ttl_(ttl),
      confirmed_sent_(confirmed_sent),
      changed_(executor_, steady_time::max()) {}

leadership_term::~leadership_term() {
    end();
}

bool leadership_term::may_act() const {
    return !ended_ && clock_.steady_now() < deadline();
}

asio::awaitable<bool> leadership_term::until_may_act() {
    for (;;) {
        if (may_act())
            co_return true;
        if (ended_)
            co_return false;
        co_await changed_.async_wait(as_tuple_awaitable);
        const auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none)
            co_return false;
    }
}

asio::awaitable<void> leadership_term::until_ended() {
    while (!ended_) {
        co_await changed_.async_wait(as_tuple_awaitable);
        const auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none)
            co_return;
    }
}

bool leadership_term::renewed(steady_time sent) {
    if (ended_)
        return false;
    const bool lapsed = clock_.steady_now() >= deadline();
    confirmed_sent_ = std::max(confirmed_sent_, sent);
    changed_.cancel();
    return lapsed;
}

void leadership_term::end() {
    if (ended_)
        return;
    ended_ = true;
    changed_.cancel();
}

}  // namespace sesmon::ha
