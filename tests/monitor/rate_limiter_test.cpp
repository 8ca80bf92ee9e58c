#include "monitor/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <optional>
#include <vector>

namespace sesmon::monitor {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct holder {
    std::vector<rate_limiter::permit> permits;
    std::vector<int> order;
};

// Acquires a permit and keeps it in `h` (the test releases it).
void spawn_acquire(asio::io_context& io, rate_limiter& limiter, holder& h, int index) {
    asio::co_spawn(
        io,
        [&limiter, &h, index]() -> asio::awaitable<void> {
            auto p = co_await limiter.acquire();
            h.order.push_back(index);
            h.permits.push_back(std::move(p));
        },
        asio::detached);
}

TEST(rate_limiter_test, grants_at_once_within_burst) {
    asio::io_context io;
    system_clock clock;
    rate_limiter limiter(io.get_executor(), clock, {100, 0});
    holder h;
    for (int i = 0; i < 10; ++i)
        spawn_acquire(io, limiter, h, i);
    io.poll();
    EXPECT_EQ(h.permits.size(), 10u);
    EXPECT_EQ(limiter.in_flight(), 10);
    h.permits.clear();
    EXPECT_EQ(limiter.in_flight(), 0);
}

TEST(rate_limiter_test, max_in_flight_holds_until_a_permit_is_released) {
    asio::io_context io;
    system_clock clock;
    rate_limiter limiter(io.get_executor(), clock, {0, 2});
    holder h;
    for (int i = 0; i < 3; ++i)
        spawn_acquire(io, limiter, h, i);
    io.run_for(20ms);
    ASSERT_EQ(h.permits.size(), 2u);
    EXPECT_EQ(limiter.waiting(), 1u);
    h.permits.front().release();
    io.run_for(20ms);
    EXPECT_EQ(h.order, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(limiter.in_flight(), 2);
}

TEST(rate_limiter_test, waiters_are_served_in_arrival_order) {
    asio::io_context io;
    system_clock clock;
    rate_limiter limiter(io.get_executor(), clock, {0, 1});
    std::vector<int> order;
    for (int i = 0; i < 6; ++i) {
        asio::co_spawn(
            io,
            [&, i]() -> asio::awaitable<void> {
                auto p = co_await limiter.acquire();
                order.push_back(i);
                asio::steady_timer t(io, 1ms);
                co_await t.async_wait(asio::use_awaitable);
            },
            asio::detached);
    }
    io.run_for(500ms);
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(limiter.in_flight(), 0);
}

TEST(rate_limiter_test, token_bucket_limits_requests_per_second) {
    asio::io_context io;
    system_clock clock;
    rate_limiter limiter(io.get_executor(), clock, {20, 0});  // burst 20, then 1 per 50 ms
    holder h;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 25; ++i)
        spawn_acquire(io, limiter, h, i);
    io.poll();
    EXPECT_EQ(h.permits.size(), 20u);  // the burst
    while (h.permits.size() < 25 && std::chrono::steady_clock::now() - start < 3s) {
        io.run_for(10ms);
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(h.permits.size(), 25u);
    EXPECT_GE(elapsed, 200ms);  // 5 more tokens at 50 ms each (first one after ~50 ms)
    EXPECT_LT(elapsed, 2s);
    for (int i = 0; i < 25; ++i)
        EXPECT_EQ(h.order[static_cast<std::size_t>(i)], i);
}

TEST(rate_limiter_test, cancelled_waiter_gives_up_its_place) {
    asio::io_context io;
    system_clock clock;
    rate_limiter limiter(io.get_executor(), clock, {0, 1});
    holder h;
    spawn_acquire(io, limiter, h, 0);
    io.poll();
    ASSERT_EQ(h.permits.size(), 1u);
    io.restart();  // poll() ran out of work and stopped the io_context

    asio::cancellation_signal cancel;
    std::optional<bool> aborted;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { (void)co_await limiter.acquire(); },
        asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
            aborted = false;
            if (!e)
                return;
            try {
                std::rethrow_exception(e);
            } catch (const boost::system::system_error& err) {
                aborted = err.code() == asio::error::operation_aborted;
            }
        }));
    spawn_acquire(io, limiter, h, 2);
    io.poll();
    EXPECT_EQ(limiter.waiting(), 2u);
    cancel.emit(asio::cancellation_type::terminal);
    io.run_for(20ms);
    ASSERT_TRUE(aborted.has_value());
    EXPECT_TRUE(*aborted);
    EXPECT_EQ(limiter.waiting(), 1u);
    h.permits.clear();
    io.run_for(20ms);
    EXPECT_EQ(h.order, (std::vector<int>{0, 2}));
}

}  // namespace
}  // namespace sesmon::monitor
