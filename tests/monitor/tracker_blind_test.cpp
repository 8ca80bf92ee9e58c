// monitor_blind / monitor_recovered: blindness episodes from failed polls and ticks.
#include <gtest/gtest.h>

#include <set>

#include "tracker_fixture.hpp"

namespace sesmon::monitor {
namespace {

using namespace testing;
using namespace std::chrono_literals;

TEST(tracker_blind_test, monitor_blind_carries_the_last_error_and_recovered_follows_once) {
    tracker t(test_cluster(), test_options());
    t.observe(idle3(), at(0min));
    EXPECT_TRUE(t.poll_failed(auth_error(), at(3min)).empty());
    api_error net;
    net.message = "connect to api.example: connection refused";
    const auto blind = t.poll_failed(net, at(12min));
    ASSERT_EQ(types(blind), std::vector{event_type::monitor_blind});
    EXPECT_EQ(blind[0].error, net.message);
    EXPECT_FALSE(blind[0].upgrade);  // no upgrade in progress
    EXPECT_EQ(blind[0].summary,
              "prod-logs: no successful poll for 12m: connect to api.example: connection refused");
    const auto back = t.observe(idle3(), at(20min)).events;
    ASSERT_EQ(types(back), std::vector{event_type::monitor_recovered});
    EXPECT_EQ(back[0].summary,
              "prod-logs: polling works again after 20m without a successful poll");
    EXPECT_TRUE(t.observe(idle3(), at(21min)).events.empty());
}

TEST(tracker_blind_test, blind_during_an_upgrade_carries_the_upgrade) {
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    const auto blind = t.poll_failed(auth_error(), at(10min));
    ASSERT_EQ(types(blind), std::vector{event_type::monitor_blind});
    EXPECT_TRUE(blind[0].upgrade);
}

TEST(tracker_blind_test, blind_episodes_have_distinct_ids) {
    tracker t(test_cluster(), test_options());
    t.observe(idle3(), at(0min));
    const auto b1 = t.poll_failed(auth_error(), at(10min));
    const auto r1 = t.observe(idle3(), at(11min)).events;
    const auto b2 = t.poll_failed(auth_error(), at(21min));
    const auto r2 = t.observe(idle3(), at(22min)).events;
    ASSERT_EQ(b1.size(), 1u);
    ASSERT_EQ(r1.size(), 1u);
    ASSERT_EQ(b2.size(), 1u);
    ASSERT_EQ(r2.size(), 1u);
    EXPECT_EQ((std::set<std::string>{b1[0].id, r1[0].id, b2[0].id, r2[0].id}).size(), 4u);
}

TEST(tracker_blind_test, after_a_restart_blindness_counts_from_the_first_failure) {
    tracker before(test_cluster(), test_options());
    before.observe(idle3(), at(0min));  // saved long ago; the daemon was then down
    tracker t = restarted(before);
    EXPECT_TRUE(t.poll_failed(auth_error(), at(300min)).empty());
    EXPECT_TRUE(t.tick(at(309min)).empty());
    EXPECT_EQ(types(t.tick(at(310min))), std::vector{event_type::monitor_blind});
}

TEST(tracker_blind_test, restart_mid_blind_emits_neither_blind_again_nor_loses_recovered) {
    tracker t(test_cluster(), test_options());
    t.observe(idle3(), at(0min));
    ASSERT_EQ(t.poll_failed(auth_error(), at(10min)).size(), 1u);
    tracker again = restarted(t);
    EXPECT_TRUE(again.poll_failed(auth_error(), at(15min)).empty());
    EXPECT_TRUE(again.tick(at(30min)).empty());
    EXPECT_EQ(types(again.observe(idle3(), at(31min)).events),
              std::vector{event_type::monitor_recovered});
}

}  // namespace
}  // namespace sesmon::monitor
