// commit_tracker: the loop side of the store's writer thread — handlers in hand-over order,
// a few milliseconds of them per turn of the loop, every one of them run by close().
#include "state/commit_tracker.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <thread>
#include <vector>

namespace sesmon::state {
namespace {

using namespace std::chrono_literals;

class commit_tracker_test : public ::testing::Test {
  protected:
    std::shared_ptr<commit_tracker> make() {
        return std::make_shared<commit_tracker>(
            io_.get_executor(), 5s,
            std::make_shared<spdlog::logger>("state",
                                             std::make_shared<spdlog::sinks::null_sink_mt>()));
    }

    boost::asio::io_context io_;
};

TEST_F(commit_tracker_test, a_large_group_of_handlers_lets_other_work_run_between_slices) {
    auto tracker = make();
    constexpr int handlers = 100;
    std::vector<int> ran;
    std::vector<std::uint64_t> tickets;
    for (int i = 0; i < handlers; ++i) {
        tickets.push_back(tracker->wait([&ran, i](std::error_code ec) {
            EXPECT_FALSE(ec);
            std::this_thread::sleep_for(1ms);  // a handler with real work (enqueue, log, send)
            ran.push_back(i);
        }));
    }
    // The writer reports the whole group durable; 10 ms later a timer (or a socket: both
    // come through the reactor) wants the loop.
    std::size_t ran_before_the_scrape = handlers;
    boost::asio::steady_timer scrape(io_, 10ms);
    scrape.async_wait([&](boost::system::error_code) { ran_before_the_scrape = ran.size(); });
    boost::asio::post(io_, [&] { tracker->completed(tickets, ""); });
    io_.run();

    ASSERT_EQ(ran.size(), static_cast<std::size_t>(handlers));
    for (int i = 0; i < handlers; ++i)
        EXPECT_EQ(ran[static_cast<std::size_t>(i)], i);  // hand-over order, across slices
    EXPECT_LT(ran_before_the_scrape, static_cast<std::size_t>(handlers) / 2)
        << "the scrape waited for (almost) every handler";
}

TEST_F(commit_tracker_test, handlers_of_a_degraded_store_keep_their_order_behind_earlier_ones) {
    auto tracker = make();
    std::vector<std::pair<int, bool>> ran;  // handler, whether it saw an error
    const auto first = tracker->wait([&](std::error_code ec) { ran.emplace_back(1, !!ec); });
    tracker->report({false, "disk full", {}});  // releases ticket `first` with `degraded`
    tracker->wait([&](std::error_code ec) { ran.emplace_back(2, !!ec); });
    tracker->completed({first}, "disk full");  // already released: runs nothing again
    io_.run();
    EXPECT_EQ(ran, (std::vector<std::pair<int, bool>>{{1, true}, {2, true}}));
    EXPECT_TRUE(tracker->health().degraded);
}

TEST_F(commit_tracker_test, close_runs_every_handler_still_queued_before_it_returns) {
    auto tracker = make();
    std::vector<std::uint64_t> tickets;
    int ran = 0;
    int closed = 0;
    for (int i = 0; i < 10; ++i)
        tickets.push_back(tracker->wait([&](std::error_code ec) { ++(ec ? closed : ran); }));
    tracker->completed({tickets.begin(), tickets.begin() + 5}, "");  // queued, not yet run
    tracker->close();
    EXPECT_EQ(ran, 5);
    EXPECT_EQ(closed, 5);
    io_.run();  // the posted turn finds nothing left
    EXPECT_EQ(ran + closed, 10);
}

}  // namespace
}  // namespace sesmon::state
