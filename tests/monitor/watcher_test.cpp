#include <gtest/gtest.h>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <stdexcept>
#include <vector>

#include "monitor/cluster_watcher.hpp"

namespace sesmon::monitor {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

// Answers every fetch with `result` after `delay`, recording when each call started.
class fake_source final : public progress_source {
  public:
    explicit fake_source(asio::io_context& io) : io_(io) {}
    asio::awaitable<progress_result> fetch_progress(cluster_target target) override {
        calls[target.instance_no].push_back(steady_clock::now());
        if (throw_in_fetch)
            throw std::runtime_error("source broke");
        const auto delay = delays.contains(target.instance_no) ? delays[target.instance_no] : 0ms;
        if (delay > 0ms) {
            asio::steady_timer t(io_, delay);
            co_await t.async_wait(asio::use_awaitable);
        }
        ++finished[target.instance_no];
        if (error)
            co_return *error;
        snapshot s;
        s.cluster_name = target.instance_no;
        co_return s;
    }

    std::map<std::string, std::vector<steady_clock::time_point>> calls;
    std::map<std::string, int> finished;
    std::map<std::string, duration> delays;
    std::optional<api_error> error;
    bool throw_in_fetch = false;

  private:
    asio::io_context& io_;
};

class fake_handler final : public poll_handler {
  public:
    bool on_success(const snapshot&, duration) override {
        ++successes;
        if (throw_on_success)
            throw std::runtime_error("handler broke");
        return in_progress;
    }
    void on_failure(const api_error& e, duration) override {
        ++failures;
        last_error = e;
    }
    void on_poll_started(duration lateness) override { latenesses.push_back(lateness); }
    bool in_progress = true;
    bool throw_on_success = false;
    std::optional<api_error> last_error;
    std::vector<duration> latenesses;
    int successes = 0;
    int failures = 0;
};

struct watcher_test : ::testing::Test {
    asio::io_context io;
    system_clock clock;
    cluster_watcher::random_engine rng{42};
    fake_source source{io};
    fake_handler handler;
    std::shared_ptr<spdlog::logger> logger =
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());

    std::shared_ptr<cluster_watcher> make(rate_limiter& limiter, const std::string& id,
                                          polling_config polling) {
        watcher_options o;
        o.name = id;
        o.target = {id, "KR"};
        o.polling = polling;
        o.initial_backoff = 10ms;
        o.min_backoff = 1ms;
        return std::make_shared<cluster_watcher>(io.get_executor(), source, limiter, clock, rng,
                                                 handler, logger, o);
    }
    static polling_config polling(duration interval, duration idle, duration max_backoff = 1s) {
        return polling_config{interval, idle, 0.1, max_backoff};
    }
    std::vector<duration> throttled_gaps(duration retry_after, duration max_backoff);
    std::vector<duration> gaps(const std::string& id) {
        std::vector<duration> out;
        const auto& c = source.calls[id];
        for (std::size_t i = 1; i < c.size(); ++i)
            out.push_back(std::chrono::duration_cast<duration>(c[i] - c[i - 1]));
        return out;
    }
};

TEST_F(watcher_test, polls_at_interval_while_an_upgrade_is_in_progress) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    auto w = make(limiter, "a", polling(20ms, 10s));
    w->start();
    io.run_for(200ms);
    w->stop();
    io.run_for(10ms);
    const auto n = source.calls["a"].size();
    EXPECT_GE(n, 5u);
    EXPECT_LE(n, 12u);
    for (auto g : gaps("a"))
        EXPECT_GE(g, 17ms);  // 20 ms - 10 % jitter, less rounding
}

TEST_F(watcher_test, polls_at_idle_interval_without_an_upgrade) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    handler.in_progress = false;
    auto w = make(limiter, "a", polling(10ms, 10s));
    w->start();
    io.run_for(150ms);
    EXPECT_EQ(source.calls["a"].size(), 1u);
    EXPECT_EQ(handler.successes, 1);
    w->stop();
    io.run_for(10ms);
}

TEST_F(watcher_test, backs_off_exponentially_with_full_jitter_on_errors) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    source.error = api_error{api_error_kind::server, 503, "500", "endpoint error", {}, false};
    auto w = make(limiter, "a", polling(1ms, 1ms, 80ms));
    w->start();
    io.run_for(600ms);
    w->stop();
    io.run_for(10ms);
    const auto g = gaps("a");
    ASSERT_GE(g.size(), 5u);
    // Gap k follows failure k+1: ceiling min(80, 10 * 2^k) ms, plus scheduling slack.
    for (std::size_t k = 0; k < g.size(); ++k) {
        const auto ceiling = std::min<duration>(80ms, duration(10 << std::min<std::size_t>(k, 10)));
        EXPECT_LE(g[k], ceiling + 25ms) << "gap " << k;
        EXPECT_GE(g[k], 1ms) << "gap " << k;
    }
    EXPECT_EQ(handler.failures, static_cast<int>(source.calls["a"].size()));
    EXPECT_GE(w->consecutive_failures(), 5);
}

TEST_F(watcher_test, auth_errors_are_retried_slowly) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    source.error = api_error{api_error_kind::auth, 401, "200", "authentication failed", {}, false};
    auto w = make(limiter, "a", polling(1ms, 1ms, 60ms));
    w->start();
    io.run_for(200ms);
    w->stop();
    io.run_for(10ms);
    const auto g = gaps("a");
    ASSERT_GE(g.size(), 1u);
    EXPECT_LE(g.size(), 4u);
    for (auto gap : g)
        EXPECT_GE(gap, 59ms);
}

// The gaps between polls for 250 ms of 429 answers carrying `retry_after`.
std::vector<duration> watcher_test::throttled_gaps(duration retry_after, duration max_backoff) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    source.error =
        api_error{api_error_kind::throttled, 429, "420", "rate limited", retry_after, false};
    auto w = make(limiter, "a", polling(1ms, 1ms, max_backoff));
    w->start();
    io.run_for(250ms);
    w->stop();
    io.run_for(10ms);
    return gaps("a");
}

TEST_F(watcher_test, retry_after_is_honoured) {
    const auto g = throttled_gaps(90ms, 200ms);
    ASSERT_GE(g.size(), 1u);
    for (auto gap : g)
        EXPECT_GE(gap, 89ms);
}

// "Retry-After: 86400" from the API must not silence a cluster for a day: the watcher waits
// at most polling.max_backoff (issue 11).
TEST_F(watcher_test, retry_after_longer_than_max_backoff_waits_max_backoff) {
    const auto g = throttled_gaps(86400s, 30ms);
    ASSERT_GE(g.size(), 3u);  // polled again and again, not once a day
    for (auto gap : g) {
        EXPECT_GE(gap, 29ms);
        EXPECT_LT(gap, 150ms);
    }
}

TEST_F(watcher_test, a_slow_cluster_never_delays_the_others) {
    rate_limiter limiter(io.get_executor(), clock, {0, 4});
    source.delays["slow"] = 2s;
    auto slow = make(limiter, "slow", polling(10ms, 10ms));
    auto fast = make(limiter, "fast", polling(10ms, 10ms));
    slow->start();
    fast->start();
    io.run_for(200ms);
    EXPECT_EQ(source.finished["slow"], 0);
    EXPECT_GE(source.finished["fast"], 8);
    fast->stop();
    slow->stop();
    io.run_for(100ms);  // the slow fetch is cancelled, so everything ends
    EXPECT_FALSE(slow->running());
}

TEST_F(watcher_test, stop_ends_the_loop_during_a_long_sleep) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    handler.in_progress = false;
    auto w = make(limiter, "a", polling(10s, 10s));
    bool exited = false;
    w->start([&] { exited = true; });
    io.run_for(30ms);
    ASSERT_EQ(source.calls["a"].size(), 1u);
    const auto t0 = steady_clock::now();
    w->stop();
    io.run_for(500ms);  // returns early once no work is left
    EXPECT_TRUE(exited);
    EXPECT_FALSE(w->running());
    EXPECT_LT(steady_clock::now() - t0, 400ms);
}

TEST_F(watcher_test, stop_during_a_fetch_cancels_it_and_exits_once) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    source.delays["a"] = 10s;
    auto w = make(limiter, "a", polling(10ms, 10ms));
    int exits = 0;
    w->start([&] { ++exits; });
    io.run_for(30ms);
    ASSERT_EQ(source.calls["a"].size(), 1u);
    EXPECT_TRUE(w->running());
    w->stop();
    w->stop();          // idempotent
    io.run_for(500ms);  // returns early once no work is left
    EXPECT_EQ(exits, 1);
    EXPECT_FALSE(w->running());
    EXPECT_EQ(source.finished["a"], 0);  // cancelled, not completed
    EXPECT_EQ(handler.successes + handler.failures, 0);
}

TEST_F(watcher_test, a_throwing_handler_counts_as_a_failed_poll_and_polling_goes_on) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    handler.throw_on_success = true;
    auto w = make(limiter, "a", polling(10ms, 10ms));
    int exits = 0;
    w->start([&] { ++exits; });
    io.run_for(200ms);
    EXPECT_TRUE(w->running());
    EXPECT_EQ(exits, 0);
    EXPECT_GE(source.calls["a"].size(), 3u);         // retried (with backoff: 10 ms, 20 ms, ...)
    EXPECT_EQ(handler.failures, handler.successes);  // every throw became a failure
    ASSERT_TRUE(handler.last_error);
    EXPECT_EQ(handler.last_error->kind, api_error_kind::invalid_response);
    EXPECT_NE(handler.last_error->message.find("handler broke"), std::string::npos);
    EXPECT_GT(w->consecutive_failures(), 0);

    handler.throw_on_success = false;  // the bug is gone: the next poll succeeds
    io.run_for(300ms);
    EXPECT_EQ(w->consecutive_failures(), 0);
    w->stop();
    io.run_for(100ms);
    EXPECT_EQ(exits, 1);
}

TEST_F(watcher_test, a_throwing_source_counts_as_a_failed_poll_and_polling_goes_on) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    source.throw_in_fetch = true;
    auto w = make(limiter, "a", polling(10ms, 10ms));
    int exits = 0;
    w->start([&] { ++exits; });
    io.run_for(200ms);
    EXPECT_TRUE(w->running());
    EXPECT_GE(source.calls["a"].size(), 3u);
    EXPECT_EQ(handler.failures, static_cast<int>(source.calls["a"].size()));
    ASSERT_TRUE(handler.last_error);
    EXPECT_NE(handler.last_error->message.find("internal error: source broke"), std::string::npos);
    source.throw_in_fetch = false;
    io.run_for(300ms);
    EXPECT_GE(handler.successes, 1);
    EXPECT_EQ(w->consecutive_failures(), 0);
    w->stop();
    io.run_for(100ms);
    EXPECT_EQ(exits, 1);
}

TEST_F(watcher_test, update_shortens_a_pending_sleep) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    handler.in_progress = false;
    auto w = make(limiter, "a", polling(10s, 10s));
    w->start();
    io.run_for(30ms);
    ASSERT_EQ(source.calls["a"].size(), 1u);
    w->update(polling(10s, 20ms));
    io.run_for(150ms);
    EXPECT_GE(source.calls["a"].size(), 3u);
    w->stop();
    io.run_for(10ms);
}

TEST_F(watcher_test, the_global_rate_limit_spans_all_watchers) {
    rate_limiter limiter(io.get_executor(), clock, {50, 0});  // burst 50, then 50/s
    std::vector<std::shared_ptr<cluster_watcher>> ws;
    for (int i = 0; i < 10; ++i) {
        ws.push_back(make(limiter, "c" + std::to_string(i), polling(1ms, 1ms)));
        ws.back()->start();
    }
    io.run_for(400ms);
    for (auto& w : ws)
        w->stop();
    io.run_for(20ms);
    std::size_t total = 0;
    for (auto& [id, calls] : source.calls)
        total += calls.size();
    EXPECT_GE(total, 50u);
    EXPECT_LE(total, 50u + 25u);  // 0.4 s at 50/s = 20, plus slack
    // Fair: every watcher got a share.
    for (int i = 0; i < 10; ++i)
        EXPECT_GE(source.calls["c" + std::to_string(i)].size(), 3u);
}

TEST_F(watcher_test, a_poll_that_waits_for_its_permit_reports_that_wait_as_lateness) {
    // One request at a time; the first poll holds it for 200 ms, so the second, due at the
    // same instant, starts at least 200 ms later than the first.
    rate_limiter limiter(io.get_executor(), clock, {0, 1});
    source.delays["a"] = 200ms;
    source.delays["b"] = 200ms;
    handler.in_progress = false;  // one poll each within the test
    auto a = make(limiter, "a", polling(10s, 10s));
    auto b = make(limiter, "b", polling(10s, 10s));
    a->start();
    b->start();
    io.run_for(600ms);
    a->stop();
    b->stop();
    io.run_for(10ms);
    ASSERT_EQ(handler.latenesses.size(), 2u);
    EXPECT_GE(handler.latenesses[0], 0ms);
    EXPECT_GE(handler.latenesses[1] - handler.latenesses[0], 195ms);
}

TEST_F(watcher_test, a_schedule_grid_starts_polls_on_its_multiples) {
    rate_limiter limiter(io.get_executor(), clock, {0, 0});
    watcher_options o;
    o.name = "a";
    o.target = {"a", "KR"};
    o.polling = polling(37ms, 37ms);
    o.schedule_grid = 50ms;
    auto w = std::make_shared<cluster_watcher>(io.get_executor(), source, limiter, clock, rng,
                                               handler, logger, o);
    w->start();
    io.run_for(400ms);
    w->stop();
    io.run_for(10ms);
    ASSERT_GE(source.calls["a"].size(), 3u);
    // Every poll after the first is scheduled on a multiple of 50 ms: the next one is due
    // there, exactly, and no earlier than the interval asks.
    for (auto g : gaps("a")) {
        EXPECT_GE(g, 33ms);  // 37 ms − 10 % jitter
    }
    const auto due = w->next_poll_at().time_since_epoch();
    EXPECT_EQ(due % 50ms, due.zero());
}

}  // namespace
}  // namespace sesmon::monitor
