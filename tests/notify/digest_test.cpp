// Digests (SPEC §14, `digest:` on a notifier): when plan_digest sends what, on virtual time;
// then the dispatcher's lanes on a manual clock — one message per period with every member,
// a pending digest flushed before an event that is never delayed, retried as one, and after
// a crash the same members make the same digest (nothing lost, nothing repeated).
#include "notify/digest.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <sstream>

#include "fake_notifier.hpp"
#include "notify/dispatcher.hpp"
#include "sample_event.hpp"
#include "store_harness.hpp"
#include "support/test_certs.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;
using decision_kind = digest_decision::kind;

notifier_config digest_config(duration period) {
    notifier_config c;
    c.name = "chat";
    c.type = notifier_type::webhook;
    c.events.assign(std::begin(all_event_types), std::end(all_event_types));
    c.digest = period;
    c.digest_events = {event_type::node_changed, event_type::stall_cleared};
    c.retry.initial_backoff = 2ms;
    c.retry.max_backoff = 10ms;
    return c;
}

// Events of one cluster: (type, seconds after t0).
std::vector<event> queue_of(std::vector<std::pair<event_type, int>> items) {
    std::vector<event> out;
    int n = 0;
    for (const auto& [type, at] : items)
        out.push_back(test::simple_event("e" + std::to_string(++n), "c", type,
                                         test::sample_time() + std::chrono::seconds(at)));
    return out;
}

std::vector<const event*> view(const std::vector<event>& q) {
    std::vector<const event*> out;
    for (const event& e : q)
        out.push_back(&e);
    return out;
}

TEST(digest_plan_test, what_the_front_of_a_queue_sends_and_when) {
    using T = event_type;
    const auto t0 = test::sample_time();
    struct row {
        std::string name;
        std::vector<std::pair<T, int>> queue;
        int now;  // seconds after t0
        decision_kind want;
        std::size_t count;
        int due;  // seconds after t0, for wait
    };
    const std::vector<row> rows = {
        {"not foldable: at once", {{T::upgrade_started, 0}}, 0, decision_kind::single, 1, 0},
        {"one member, period running", {{T::node_changed, 0}}, 10, decision_kind::wait, 1, 300},
        {"members within the period wait",
         {{T::node_changed, 0}, {T::node_changed, 100}},
         200,
         decision_kind::wait,
         2,
         300},
        {"period over: fold",
         {{T::node_changed, 0}, {T::stall_cleared, 100}},
         300,
         decision_kind::fold,
         2,
         0},
        {"period over, one member: itself",
         {{T::node_changed, 0}},
         301,
         decision_kind::single,
         1,
         0},
        {"never-delayed type behind: flush now",
         {{T::node_changed, 0}, {T::node_changed, 5}, {T::upgrade_stalled, 6}},
         6,
         decision_kind::fold,
         2,
         0},
        {"a member of the next period behind: this one goes",
         {{T::node_changed, 0}, {T::node_changed, 300}},
         300,
         decision_kind::single,
         1,
         0},
        {"anything else behind flushes too",
         {{T::node_changed, 0}, {T::monitor_recovered, 1}},
         1,
         decision_kind::single,
         1,
         0},
    };
    const auto config = digest_config(5min);
    for (const row& r : rows) {
        const auto q = queue_of(r.queue);
        const auto d = plan_digest(config, view(q), t0 + std::chrono::seconds(r.now));
        EXPECT_EQ(d.what, r.want) << r.name;
        EXPECT_EQ(d.count, r.count) << r.name;
        if (r.want == decision_kind::wait) {
            EXPECT_EQ(d.due, t0 + std::chrono::seconds(r.due)) << r.name;
        }
    }
    // Without digest: everything single.
    EXPECT_EQ(plan_digest(digest_config(0s), view(queue_of({{T::node_changed, 0}})), t0).what,
              decision_kind::single);
}

TEST(digest_plan_test, a_digest_holds_at_most_fifty_members_and_goes_when_full) {
    std::vector<std::pair<event_type, int>> many;
    for (int i = 0; i < 60; ++i)
        many.emplace_back(event_type::node_changed, i);
    const auto q = queue_of(many);
    const auto d = plan_digest(digest_config(5min), view(q), test::sample_time() + 60s);
    EXPECT_EQ(d.what, decision_kind::fold);
    EXPECT_EQ(d.count, max_digest_members);
}

TEST(digest_message_test, the_digest_says_how_many_with_the_progress_line_and_has_a_stable_id) {
    auto q = queue_of({{event_type::node_changed, 0},
                       {event_type::node_changed, 150},
                       {event_type::stall_cleared, 252}});
    for (event& e : q) {
        e.upgrade = upgrade_info{"2140", "2150", "", 8, 3, {}, {}, {}};
    }
    q[0].node = node_info{"n1", "DO", "Upgrade_OpenSearch", "running", {}};
    const event d = make_digest(view(q), {});
    EXPECT_EQ(d.summary,
              "c: 3 events (2 node changes, 1 stall_cleared) in 4m12s (2140 \u2192 2150, "
              "3/8 nodes done)");
    ASSERT_EQ(d.digest.size(), 3u);
    EXPECT_EQ(d.digest[0].id, "e1");
    EXPECT_EQ(d.digest[0].node->hostname, "n1");
    EXPECT_EQ(d.type, event_type::stall_cleared);
    EXPECT_EQ(d.occurred_at, q[2].occurred_at);
    EXPECT_EQ(d.id, make_digest(view(q), {}).id);
    EXPECT_EQ(d.id.size(), 64u);
    q.pop_back();
    EXPECT_NE(make_digest(view(q), {}).id, d.id);
    EXPECT_EQ(make_digest(view(q), {}).summary,
              "c: 2 node changes in 2m30s (2140 \u2192 2150, 3/8 "
              "nodes done)");
}

TEST(digest_message_test,
     a_korean_or_japanese_notifier_gets_the_digest_and_its_members_in_its_language) {
    auto q = queue_of({{event_type::node_changed, 0},
                       {event_type::node_changed, 150},
                       {event_type::stall_cleared, 252}});
    for (event& e : q) {
        e.upgrade = upgrade_info{"2140", "2150", "", 8, 3, {}, {}, {}};
        e.node = node_info{"n1", "DO", "Upgrade_OpenSearch", "running", {}};
    }
    q[2].node.reset();
    q[2].stall = stall_info{"node_stage_timeout", 52 * 60};
    const message_time_zone seoul{"Asia/Seoul", 9h, "KST"};
    const event ko = make_digest(view(q), {message_language::ko, seoul});
    EXPECT_EQ(ko.summary,
              "c: 4분 12초 동안 이벤트 3건 (노드 상태 변경 2건, 지연 해소 1건) (2140 \u2192 2150, "
              "노드 3/8 완료)");
    EXPECT_EQ(ko.digest[0].summary,
              "c: 노드 n1의 상태가 바뀌었습니다: running \u2192 Upgrade_OpenSearch (2140 \u2192 "
              "2150, 노드 3/8 완료)");
    EXPECT_EQ(ko.digest[2].summary,
              "c: 52분 동안 멈춰 있던 업그레이드가 다시 진행됩니다 (2140 \u2192 2150, 노드 3/8 "
              "완료)");
    // What every format sends as the summary: the digest's own, not a member type's sentence.
    EXPECT_EQ(localized_summary(ko, {message_language::ko, seoul}), ko.summary);
    EXPECT_EQ(render_message(ko, {message_language::ko, seoul}).summary, ko.summary);

    q.pop_back();
    const event ja = make_digest(view(q), {message_language::ja, seoul});
    EXPECT_EQ(ja.summary,
              "c: 2分30秒の間にノードのステータス変更 2件（2140 \u2192 2150、ノード 3/8 完了）");
    // The language changes the words, never the id: a restart in another language (or two
    // notifiers) agree on what was sent.
    EXPECT_EQ(ja.id, make_digest(view(q), {}).id);
}

class digest_dispatch_test : public ::testing::Test {
  protected:
    digest_dispatch_test() : clock_(test::sample_time()) {
        logger_ = std::make_shared<spdlog::logger>(
            "notify", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
        script_->before_answer = [this](const event& e) { seen_.push_back(e); };
    }

    std::unique_ptr<dispatcher> make(const notifier_config& config) {
        dispatcher_options options;
        options.random = [] { return 0.5; };
        auto d = std::make_unique<dispatcher>(
            ioc_.get_executor(), std::vector<notifier_config>{config}, store_.store(),
            store_.take_pending(), clock_, logger_, test::fake_factory(script_), options);
        d->start();
        return d;
    }
    void run_for(std::chrono::milliseconds span) {
        ioc_.restart();
        ioc_.run_for(span);
    }
    template <class Predicate>
    bool run_until(Predicate done) {
        ioc_.restart();
        const auto deadline = std::chrono::steady_clock::now() + 3s;
        while (!done() && std::chrono::steady_clock::now() < deadline)
            ioc_.run_one_for(5ms);
        return done();
    }
    // Virtual time: the manual clock moves, and the lanes are told.
    void advance(dispatcher& d, duration by) {
        clock_.advance(by);
        d.clock_moved();
    }
    void submit(dispatcher& d, const std::string& id, event_type type,
                const std::string& cluster = "c1") {
        store_.submit(d, test::simple_event(id, cluster, type, clock_.wall_now()), {"chat"});
    }
    std::vector<std::string> members(const event& e) {
        std::vector<std::string> out;
        for (const auto& m : e.digest)
            out.push_back(m.id);
        return out;
    }

    boost::asio::io_context ioc_;
    sesmon::test::temp_dir state_;
    test::store_harness store_{ioc_, state_.path()};
    manual_clock clock_;
    std::ostringstream log_;
    std::shared_ptr<spdlog::logger> logger_;
    std::shared_ptr<test::fake_script> script_ = std::make_shared<test::fake_script>();
    std::vector<event> seen_;
};

TEST_F(digest_dispatch_test, node_changes_of_a_cluster_go_as_one_message_per_period) {
    auto d = make(digest_config(5min));
    submit(*d, "n1", event_type::node_changed);
    advance(*d, 1min);
    submit(*d, "n2", event_type::node_changed);
    advance(*d, 2min);
    submit(*d, "n3", event_type::node_changed);
    submit(*d, "x1", event_type::node_changed, "c2");  // another cluster: a digest of its own
    advance(*d, 1min + 59s);                           // 4m59s after n1
    run_for(50ms);
    EXPECT_TRUE(seen_.empty()) << "nothing before the period ends";
    advance(*d, 1s);
    ASSERT_TRUE(run_until([&] { return seen_.size() == 1; }));
    EXPECT_EQ(members(seen_[0]), (std::vector<std::string>{"n1", "n2", "n3"}));
    EXPECT_EQ(seen_[0].cluster.name, "c1");
    EXPECT_EQ(store_.rows(state::delivery_status::delivered).size(), 3u);
    advance(*d, 2min + 59s);  // c2's period began with x1, 3m after n1: it ends at 8m
    run_for(50ms);
    ASSERT_EQ(seen_.size(), 1u);
    advance(*d, 1s);
    ASSERT_TRUE(run_until([&] { return seen_.size() == 2; }));
    EXPECT_EQ(seen_[1].id, "x1") << "a digest of one is the event itself";
    EXPECT_TRUE(seen_[1].digest.empty());
    EXPECT_EQ(d->counters().at("chat").pending, 0u);
}

TEST_F(digest_dispatch_test, never_delayed_events_go_at_once_after_flushing_the_digest) {
    auto d = make(digest_config(5min));
    submit(*d, "n1", event_type::node_changed);
    advance(*d, 10s);
    submit(*d, "n2", event_type::node_changed);
    run_for(50ms);
    EXPECT_TRUE(seen_.empty());
    for (const auto& [id, type] :
         std::vector<std::pair<std::string, event_type>>{{"s1", event_type::upgrade_stalled},
                                                         {"f1", event_type::upgrade_failed},
                                                         {"d1", event_type::upgrade_finished},
                                                         {"u1", event_type::upgrade_started}}) {
        submit(*d, id, type);
    }
    // No clock move: nothing waits for a period.
    ASSERT_TRUE(run_until([&] { return seen_.size() == 5; }));
    EXPECT_EQ(members(seen_[0]), (std::vector<std::string>{"n1", "n2"}));
    EXPECT_EQ(seen_[1].id, "s1");
    EXPECT_EQ(seen_[2].id, "f1");
    EXPECT_EQ(seen_[3].id, "d1");
    EXPECT_EQ(seen_[4].id, "u1");
}

TEST_F(digest_dispatch_test, a_digest_is_retried_as_one_and_survives_a_crash_unrepeated) {
    {
        auto d = make(digest_config(5min));
        submit(*d, "n1", event_type::node_changed);
        advance(*d, 30s);
        submit(*d, "n2", event_type::node_changed);
        run_for(30ms);
        // "Crash" before the period ends: both rows pending in the store.
    }
    EXPECT_EQ(store_.rows(state::delivery_status::pending).size(), 2u);
    store_.reopen();
    clock_.advance(10min);  // the daemon was down past the period: it goes at once
    auto d = make(digest_config(5min));
    ASSERT_TRUE(run_until([&] { return !seen_.empty(); }));
    const std::string first_id = seen_[0].id;
    EXPECT_EQ(members(seen_[0]), (std::vector<std::string>{"n1", "n2"}));
    run_for(30ms);
    EXPECT_EQ(seen_.size(), 1u) << "delivered once";
    EXPECT_EQ(store_.rows(state::delivery_status::delivered).size(), 2u);
    EXPECT_TRUE(store_.rows(state::delivery_status::pending).empty());

    // A failed attempt is retried with the same members, so the same id.
    seen_.clear();
    submit(*d, "n3", event_type::node_changed);
    submit(*d, "n4", event_type::node_changed);
    std::vector<const event*> parts;
    const auto e3 = test::simple_event("n3", "c1", event_type::node_changed, clock_.wall_now());
    const auto e4 = test::simple_event("n4", "c1", event_type::node_changed, clock_.wall_now());
    parts = {&e3, &e4};
    script_->script[make_digest(parts, {}).id] = {
        test::outcome(delivery_outcome::kind::retry, "HTTP 503")};
    advance(*d, 5min);
    ASSERT_TRUE(run_until([&] { return script_->delivered.size() == 2; }));
    ASSERT_EQ(seen_.size(), 2u);
    EXPECT_EQ(seen_[0].id, seen_[1].id);
    EXPECT_EQ(members(seen_[1]), (std::vector<std::string>{"n3", "n4"}));
    EXPECT_EQ(d->counters().at("chat").retried, 1u);
}

}  // namespace
}  // namespace sesmon::notify
