// poll_all: every cluster answered once, in order, never more than max_in_flight at a time.
#include "cli/status_poll.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sesmon::cli {
namespace {

using namespace std::chrono_literals;

// Answers after a short timer, counting how many calls overlap.
class counting_source final : public progress_source {
  public:
    explicit counting_source(boost::asio::io_context& io) : io_(io) {}

    boost::asio::awaitable<progress_result> fetch_progress(cluster_target target) override {
        ++calls;
        peak = std::max(peak, ++in_flight);
        boost::asio::steady_timer timer(io_, 5ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
        --in_flight;
        if (target.instance_no == "bad") {
            api_error e;
            e.message = "boom";
            co_return e;
        }
        if (target.instance_no == "throws")
            throw std::runtime_error("surprise");
        snapshot s;
        s.cluster_name = target.instance_no;
        co_return s;
    }

    int calls = 0;
    int in_flight = 0;
    int peak = 0;

  private:
    boost::asio::io_context& io_;
};

std::vector<cluster_config> clusters(const std::vector<std::string>& instances) {
    std::vector<cluster_config> out;
    for (const auto& i : instances) {
        cluster_config c;
        c.name = "c" + i;
        c.instance_no = i;
        out.push_back(c);
    }
    return out;
}

TEST(status_poll_test, polls_each_cluster_once_and_keeps_the_order) {
    boost::asio::io_context io;
    counting_source source(io);

    const auto out = poll_all(io, source, clusters({"1", "2", "bad", "4"}), 16);

    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(source.calls, 4);
    EXPECT_EQ(out[0].result->cluster_name, "1");
    EXPECT_EQ(out[1].cluster.name, "c2");
    EXPECT_FALSE(out[2].result);
    EXPECT_EQ(out[2].result.error().message, "boom");
    EXPECT_EQ(out[3].result->cluster_name, "4");
}

TEST(status_poll_test, never_more_than_max_in_flight_at_once) {
    boost::asio::io_context io;
    counting_source source(io);
    std::vector<std::string> many;
    for (int i = 0; i < 10; ++i)
        many.push_back(std::to_string(i));

    const auto out = poll_all(io, source, clusters(many), 3);

    EXPECT_EQ(out.size(), 10u);
    EXPECT_EQ(source.calls, 10);
    EXPECT_EQ(source.peak, 3);
}

TEST(status_poll_test, an_exception_becomes_that_clusters_error) {
    boost::asio::io_context io;
    counting_source source(io);

    const auto out = poll_all(io, source, clusters({"throws", "2"}), 1);

    ASSERT_FALSE(out[0].result);
    EXPECT_EQ(out[0].result.error().message, "internal error: surprise");
    EXPECT_TRUE(out[1].result);
}

// status works out each upgrade's expected finish in this handler while other polls are in
// flight: every answer reaches it once, as it arrives, with its index.
TEST(status_poll_test, each_answer_reaches_the_handler_once_while_others_are_in_flight) {
    boost::asio::io_context io;
    counting_source source(io);
    std::vector<std::pair<std::size_t, bool>> seen;
    int in_flight_at_first = -1;

    const auto out = poll_all(io, source, clusters({"1", "bad", "3", "4"}), 4,
                              [&](std::size_t i, const progress_result& answer) {
                                  if (in_flight_at_first < 0)
                                      in_flight_at_first = source.in_flight;
                                  seen.emplace_back(i, static_cast<bool>(answer));
                              });

    ASSERT_EQ(out.size(), 4u);
    std::sort(seen.begin(), seen.end());
    const std::vector<std::pair<std::size_t, bool>> expected{
        {0, true}, {1, false}, {2, true}, {3, true}};
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(in_flight_at_first, 3) << "the first answer is handled before the others arrive";
}

TEST(status_poll_test, a_handler_that_throws_stops_no_poll) {
    boost::asio::io_context io;
    counting_source source(io);
    int handled = 0;

    const auto out = poll_all(io, source, clusters({"1", "2", "3"}), 1,
                              [&](std::size_t, const progress_result&) {
                                  ++handled;
                                  throw std::runtime_error("estimate failed");
                              });

    EXPECT_EQ(handled, 3);
    EXPECT_EQ(source.calls, 3);
    for (const auto& s : out)
        EXPECT_TRUE(s.result) << s.cluster.name;
}

}  // namespace
}  // namespace sesmon::cli
