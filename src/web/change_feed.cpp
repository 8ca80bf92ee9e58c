#include "web/change_feed.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sesmon::web {

namespace asio = boost::asio;

change_feed::change_feed(asio::any_io_executor executor, change_feed_options options)
    : executor_(std::move(executor)), options_(options) {}

change_feed::~change_feed() {
    stop();
}

asio::awaitable<change_feed::wait_result> change_feed::wait(std::function<bool()> unchanged,
                                                            duration wait) {
    if (stopped_)
        co_return wait_result::stopped;
    if (!unchanged())
        co_return wait_result::changed;
    if (timers_.size() >= options_.max_waiters)
        co_return wait_result::too_many;
    const auto deadline = std::chrono::steady_clock::now() + std::min(wait, options_.max_wait);
    asio::steady_timer timer(executor_, deadline);
    const auto self = timers_.insert(timers_.end(), &timer);
    wait_result result = wait_result::timed_out;
    while (true) {
        const auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (stopped_) {
            result = wait_result::stopped;
            break;
        }
        if (!unchanged()) {
            result = wait_result::changed;
            break;
        }
        if (!ec || std::chrono::steady_clock::now() >= deadline)
            break;                   // the wait is over, nothing changed
        timer.expires_at(deadline);  // woken, but not for a change this waiter sees
    }
    timers_.erase(self);
    co_return result;
}

void change_feed::notify() {
    for (asio::steady_timer* t : timers_)
        t->cancel();
}

void change_feed::stop() {
    stopped_ = true;
    notify();
}

}  // namespace sesmon::web
