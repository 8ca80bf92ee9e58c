#include "notify/dispatcher.hpp"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>

#include "fake_notifier.hpp"
#include "sample_event.hpp"
#include "store_harness.hpp"
#include "support/run_awaitable.hpp"
#include "support/test_certs.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;
using kind = delivery_outcome::kind;
namespace fs = std::filesystem;

notifier_config fast_config(std::string name) {
    notifier_config config;
    config.name = std::move(name);
    config.type = notifier_type::webhook;
    config.events.assign(std::begin(all_event_types), std::end(all_event_types));
    config.retry.initial_backoff = 2ms;
    config.retry.max_backoff = 10ms;
    config.retry.max_age = 24h;
    return config;
}

class dispatcher_test : public ::testing::Test {
  protected:
    dispatcher_test() : clock_(test::sample_time() + 1min) {
        logger_ = std::make_shared<spdlog::logger>(
            "notify", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
        logger_->set_level(spdlog::level::trace);
        logger_->set_pattern("%l %v");
    }

    std::unique_ptr<dispatcher> make(std::vector<notifier_config> configs) {
        dispatcher_options options;
        options.random = [] { return 0.5; };
        return std::make_unique<dispatcher>(ioc_.get_executor(), std::move(configs), store_.store(),
                                            store_.take_pending(), clock_, logger_,
                                            test::fake_factory(script_), options);
    }

    // Runs the io_context until `done` holds (true) or two seconds pass (false).
    template <class Predicate>
    bool run_until(Predicate done) {
        ioc_.restart();
        // Returns as soon as `done`: the bound only has to outlast a loaded machine's fsync
        // (the store commits before anything is delivered); 2 s did not at load 11.
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            ioc_.run_one_for(5ms);
        }
        return done();
    }

    void run_for(std::chrono::milliseconds span) {
        ioc_.restart();
        ioc_.run_for(span);
    }

    void submit(dispatcher& d, const event& e, const std::vector<std::string>& names) {
        store_.submit(d, e, names);
    }
    std::size_t rows(state::delivery_status status) { return store_.rows(status).size(); }

    boost::asio::io_context ioc_;
    sesmon::test::temp_dir state_;
    test::store_harness store_{ioc_, state_.path()};
    manual_clock clock_;
    std::ostringstream log_;
    std::shared_ptr<spdlog::logger> logger_;
    std::shared_ptr<test::fake_script> script_ = std::make_shared<test::fake_script>();
};

TEST_F(dispatcher_test, a_committed_event_stays_pending_in_the_store_until_delivered) {
    auto d = make({fast_config("hook")});
    submit(*d, test::simple_event("e1", "c1", event_type::upgrade_started), {"hook"});
    EXPECT_EQ(rows(state::delivery_status::pending), 1u);  // before any delivery ran
    EXPECT_EQ(d->counters().at("hook").pending, 1u);
    d->start();
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 1; }));
    EXPECT_EQ(rows(state::delivery_status::pending), 0u);
    const auto delivered = store_.rows(state::delivery_status::delivered);
    ASSERT_EQ(delivered.size(), 1u);
    EXPECT_EQ(delivered[0].attempts, 1);
    EXPECT_EQ(d->counters().at("hook").delivered, 1u);
    EXPECT_EQ(d->counters().at("hook").pending, 0u);
}

TEST_F(dispatcher_test, filters_by_notify_list_and_events) {
    auto only_failed = fast_config("pager");
    only_failed.events = {event_type::upgrade_failed};
    auto d = make({fast_config("hook"), only_failed});
    d->start();
    submit(*d, test::simple_event("e1", "c1", event_type::upgrade_started), {"hook", "pager"});
    submit(*d, test::simple_event("e2", "c1", event_type::upgrade_failed), {"pager"});
    submit(*d, test::simple_event("e3", "c1", event_type::upgrade_failed), {"nobody"});
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 2; }));
    run_for(20ms);
    EXPECT_EQ(script_->delivered, (std::vector<std::string>{"hook:e1", "pager:e2"}));
    EXPECT_NE(log_.str().find("nobody"), std::string::npos) << log_.str();
}

TEST_F(dispatcher_test, pagerduty_webhooks_never_queue_types_pagerduty_does_not_take) {
    auto pager = fast_config("pd");
    pager.format = webhook_format::pagerduty;
    auto d = make({pager});
    submit(*d, test::simple_event("e1", "c1", event_type::upgrade_started), {"pd"});
    submit(*d, test::simple_event("e2", "c1", event_type::upgrade_stalled), {"pd"});
    EXPECT_EQ(d->counters().at("pd").pending, 1u);
}

TEST_F(dispatcher_test, a_cluster_later_event_waits_for_its_earlier_one_through_retries) {
    script_->script["e1"] = {test::outcome(kind::retry, "HTTP 503"),
                             test::outcome(kind::retry, "HTTP 503")};
    auto d = make({fast_config("hook")});
    d->start();
    submit(*d, test::simple_event("e1", "c1", event_type::upgrade_started), {"hook"});
    submit(*d, test::simple_event("e2", "c1", event_type::node_changed), {"hook"});
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 2; }));
    EXPECT_EQ(script_->attempts,
              (std::vector<std::string>{"hook:e1", "hook:e1", "hook:e1", "hook:e2"}));
    EXPECT_EQ(d->counters().at("hook").retried, 2u);
    EXPECT_EQ(d->counters().at("hook").delivered, 2u);
}

TEST_F(dispatcher_test, slow_receiver_for_one_cluster_delays_neither_other_clusters_nor_notifiers) {
    script_->hang = {"slow"};
    auto a = fast_config("a");
    auto b = fast_config("b");
    auto d = make({a, b});
    d->start();
    // a's "slow" cluster blocks; a's "fast" cluster and notifier b must not wait for it.
    submit(*d, test::simple_event("s1", "slow", event_type::upgrade_started), {"a"});
    submit(*d, test::simple_event("s2", "slow", event_type::upgrade_stalled), {"a"});
    submit(*d, test::simple_event("f1", "fast", event_type::upgrade_started), {"a", "b"});
    submit(*d, test::simple_event("f2", "fast", event_type::upgrade_finished), {"a", "b"});
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 4; }));
    std::vector<std::string> a_order;
    std::vector<std::string> b_order;
    for (const auto& entry : script_->delivered) {
        (entry.starts_with("a:") ? a_order : b_order).push_back(entry);
    }
    EXPECT_EQ(a_order, (std::vector<std::string>{"a:f1", "a:f2"}));
    EXPECT_EQ(b_order, (std::vector<std::string>{"b:f1", "b:f2"}));
    // s2 was not even attempted while s1 is stuck: per-cluster order.
    EXPECT_EQ(script_->attempts_of("a:s1"), 1u);
    EXPECT_EQ(script_->attempts_of("a:s2"), 0u);
    script_->release();
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 6; }));
    EXPECT_EQ(script_->delivered[4], "a:s1");
    EXPECT_EQ(script_->delivered[5], "a:s2");
}

TEST_F(dispatcher_test, in_flight_attempts_per_notifier_are_bounded) {
    script_->hang = {"c0", "c1", "c2", "c3", "c4"};
    dispatcher_options options;
    options.max_in_flight = 2;
    dispatcher d(ioc_.get_executor(), {fast_config("hook")}, store_.store(), {}, clock_, logger_,
                 test::fake_factory(script_), options);
    d.start();
    for (int i = 0; i < 5; ++i) {
        const std::string cluster = "c" + std::to_string(i);
        submit(d, test::simple_event("e" + std::to_string(i), cluster, event_type::upgrade_started),
               {"hook"});
    }
    run_for(50ms);
    EXPECT_EQ(script_->attempts.size(), 2u);
    script_->release();
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 5; }));
}

TEST_F(dispatcher_test, undelivered_events_survive_a_crash_and_are_delivered_in_order) {
    script_->hang = {"c1", "c2"};
    {
        auto d = make({fast_config("hook")});
        d->start();
        submit(*d, test::simple_event("e1", "c1", event_type::upgrade_started), {"hook"});
        submit(*d, test::simple_event("e2", "c1", event_type::node_changed), {"hook"});
        submit(*d, test::simple_event("e3", "c2", event_type::upgrade_started), {"hook"});
        submit(*d, test::simple_event("e4", "c1", event_type::upgrade_finished), {"hook"});
        ASSERT_TRUE(run_until([&] { return script_->attempts.size() == 2; }));
        // "Crash": the dispatcher goes away with both attempts in flight.
    }
    run_for(20ms);
    EXPECT_TRUE(script_->delivered.empty());
    EXPECT_EQ(rows(state::delivery_status::pending), 4u);
    store_.reopen();

    auto fresh = std::make_shared<test::fake_script>();
    dispatcher_options options;
    dispatcher d(ioc_.get_executor(), {fast_config("hook")}, store_.store(), store_.take_pending(),
                 clock_, logger_, test::fake_factory(fresh), options);
    EXPECT_EQ(d.counters().at("hook").pending, 4u);
    d.start();
    ASSERT_TRUE(run_until([&] { return fresh->delivered.size() == 4; }));
    std::vector<std::string> c1;
    for (const auto& entry : fresh->delivered) {
        if (entry != "hook:e3") {
            c1.push_back(entry);
        }
    }
    EXPECT_EQ(c1, (std::vector<std::string>{"hook:e1", "hook:e2", "hook:e4"}));
    EXPECT_EQ(rows(state::delivery_status::pending), 0u);
    // New submissions continue after the recovered ones.
    submit(d, test::simple_event("e5", "c1", event_type::upgrade_started), {"hook"});
    ASSERT_TRUE(run_until([&] { return fresh->delivered.size() == 5; }));
}

TEST_F(dispatcher_test, rejection_is_dead_in_the_store_with_an_error_line) {
    script_->script["e1"] = {test::outcome(kind::rejected, "HTTP 400")};
    auto d = make({fast_config("hook")});
    d->start();
    event e = test::stalled_event();
    e.id = "e1";
    submit(*d, e, {"hook"});
    submit(*d, test::simple_event("e2", "prod-logs", event_type::stall_cleared), {"hook"});
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 1; }));
    EXPECT_EQ(script_->delivered, std::vector<std::string>{"hook:e2"});  // not blocked by e1
    const auto dead = store_.rows(state::delivery_status::dead);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].notifier, "hook");
    EXPECT_EQ(dead[0].last_error, "HTTP 400");
    EXPECT_EQ(dead[0].event, e);
    EXPECT_EQ(dead[0].attempts, 1);
    EXPECT_NE(log_.str().find("error notify hook: dead-lettered upgrade_stalled for cluster "
                              "prod-logs node prod-logs-do-6tnm: HTTP 400"),
              std::string::npos)
        << log_.str();
    EXPECT_EQ(d->counters().at("hook").dead_lettered, 1u);
    EXPECT_EQ(rows(state::delivery_status::pending), 0u);
}

TEST_F(dispatcher_test, events_older_than_max_age_are_dead_lettered_as_expired) {
    auto config = fast_config("hook");
    config.retry.max_age = 1h;
    script_->script["late"] = {test::outcome(kind::retry, "HTTP 503")};
    auto d = make({config});
    d->start();
    // Too old already: never attempted.
    submit(*d, test::simple_event("old", "c1", event_type::upgrade_started, clock_.wall_now() - 2h),
           {"hook"});
    ASSERT_TRUE(run_until([&] { return d->counters().at("hook").dead_lettered == 1; }));
    EXPECT_EQ(script_->attempts_of("hook:old"), 0u);
    // Fails once, and ages past max_age before its retry.
    script_->before_answer = [&](const event&) { clock_.advance(61min); };
    submit(*d, test::simple_event("late", "c2", event_type::upgrade_started, clock_.wall_now()),
           {"hook"});
    ASSERT_TRUE(run_until([&] { return d->counters().at("hook").dead_lettered == 2; }));
    EXPECT_EQ(script_->attempts_of("hook:late"), 1u);
    const auto dead = store_.rows(state::delivery_status::dead);
    ASSERT_EQ(dead.size(), 2u);
    EXPECT_EQ(dead[0].last_error, "expired");
    EXPECT_EQ(dead[1].last_error, "expired");
}

// A retry that would come after max_age does not happen: the delivery is given up when
// max_age passes, not when its (here 10-minute) wait would end.
TEST_F(dispatcher_test, a_waiting_delivery_is_dead_when_max_age_passes_not_when_its_wait_ends) {
    auto config = fast_config("hook");
    config.retry.max_age = 1h;
    config.retry.max_backoff = 10min;
    script_->script["e1"] = {test::outcome(kind::retry, "HTTP 429", duration(10min))};
    auto d = make({config});
    d->start();
    const auto began = std::chrono::steady_clock::now();
    // One second of its hour left.
    submit(*d,
           test::simple_event("e1", "c1", event_type::upgrade_stalled, clock_.wall_now() - 1h + 1s),
           {"hook"});
    ASSERT_TRUE(run_until([&] { return d->counters().at("hook").dead_lettered == 1; }));
    EXPECT_LT(std::chrono::steady_clock::now() - began, 1800ms);
    EXPECT_EQ(script_->attempts_of("hook:e1"), 1u);
    const auto dead = store_.rows(state::delivery_status::dead);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].last_error, "expired");
    EXPECT_NE(log_.str().find("before a retry is due"), std::string::npos) << log_.str();
}

TEST_F(dispatcher_test, retry_after_is_never_undercut) {
    script_->script["e1"] = {test::outcome(kind::retry, "HTTP 429", duration(300ms))};
    auto d = make({fast_config("hook")});
    d->start();
    submit(*d, test::simple_event("e1", "c1", event_type::upgrade_started), {"hook"});
    ASSERT_TRUE(run_until([&] { return script_->attempts.size() == 1; }));
    const auto first = std::chrono::steady_clock::now();
    ASSERT_TRUE(run_until([&] { return script_->attempts.size() == 2; }));
    EXPECT_GE(std::chrono::steady_clock::now() - first, 295ms);  // timer granularity
    EXPECT_NE(log_.str().find("retry 1 in 300ms"), std::string::npos) << log_.str();
}

TEST_F(dispatcher_test, stop_gives_pending_deliveries_the_grace_then_leaves_them_pending) {
    script_->hang = {"stuck"};
    auto d = make({fast_config("hook")});
    d->start();
    submit(*d, test::simple_event("e1", "stuck", event_type::upgrade_started), {"hook"});
    submit(*d, test::simple_event("e2", "fine", event_type::upgrade_started), {"hook"});
    const auto began = std::chrono::steady_clock::now();
    sesmon::test::run_awaitable(ioc_, [&]() -> boost::asio::awaitable<int> {
        co_await d->stop(200ms);
        co_return 0;
    }());
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_GE(took, 190ms);
    EXPECT_LT(took, 1500ms);
    EXPECT_EQ(script_->delivered, std::vector<std::string>{"hook:e2"});
    EXPECT_EQ(rows(state::delivery_status::pending), 1u);
    // After stop, committed events stay pending.
    submit(*d, test::simple_event("e3", "fine", event_type::upgrade_finished), {"hook"});
    run_for(30ms);
    EXPECT_EQ(script_->delivered.size(), 1u);
    EXPECT_EQ(rows(state::delivery_status::pending), 2u);
}

TEST_F(dispatcher_test, reconfigure_adds_keeps_and_removes_notifiers_by_name) {
    auto d = make({fast_config("a"), fast_config("b")});
    d->start();
    d->reconfigure({fast_config("b"), fast_config("c")});
    auto counters = d->counters();
    EXPECT_EQ(counters.count("a"), 0u);
    EXPECT_EQ(counters.count("b"), 1u);
    EXPECT_EQ(counters.count("c"), 1u);
    submit(*d, test::simple_event("e1", "c1", event_type::upgrade_started), {"a", "b", "c"});
    // c, added by the reload, reads its pending rows while e1 is committed: e1 once, not twice.
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() >= 2; }))
        << ::testing::PrintToString(script_->delivered) << "\n"
        << log_.str();
    run_for(50ms);  // a second delivery of e1 to c would come now
    std::vector<std::string> delivered = script_->delivered;
    std::sort(delivered.begin(), delivered.end());
    EXPECT_EQ(delivered, (std::vector<std::string>{"b:e1", "c:e1"}));
    std::vector<notifier_config> twice = {fast_config("x"), fast_config("x")};
    EXPECT_THROW(d->reconfigure(twice), std::invalid_argument);
    EXPECT_EQ(d->counters().size(), 2u);
}

TEST_F(dispatcher_test, a_notifier_removed_and_added_back_resumes_its_pending_deliveries) {
    script_->hang = {"c1"};
    auto d = make({fast_config("a"), fast_config("b")});
    d->start();
    submit(*d, test::simple_event("e1", "c1", event_type::upgrade_started), {"a", "b"});
    ASSERT_TRUE(run_until([&] { return script_->attempts.size() == 2; }));
    d->reconfigure({fast_config("b")});  // a goes, with e1 pending (its attempt cancelled)
    submit(*d, test::simple_event("e2", "c1", event_type::upgrade_finished), {"a", "b"});
    script_->release();
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 2; }));
    EXPECT_EQ(script_->delivered, (std::vector<std::string>{"b:e1", "b:e2"}));

    d->reconfigure({fast_config("a"), fast_config("b")});  // a is back: e1 resumes, once
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 3; }));
    run_for(30ms);
    EXPECT_EQ(script_->delivered.back(), "a:e1");
    EXPECT_EQ(script_->attempts_of("a:e1"), 2u);
    EXPECT_EQ(script_->attempts_of("a:e2"), 0u);  // routed while a was gone: not a's
}

}  // namespace
}  // namespace sesmon::notify
