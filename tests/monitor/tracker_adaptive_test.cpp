// The slower_than_peers stall (SPEC §4): a node in its stage longer than adaptive_factor ×
// the median time the complete nodes spent in that stage, and adaptive_min.
#include <gtest/gtest.h>

#include "recorded_upgrade.hpp"

namespace sesmon::monitor::testing {
namespace {

tracker_options adaptive_options() {
    auto o = test_options();
    o.stall.adaptive_factor = 3;
    o.stall.adaptive_min = 10min;
    return o;
}

// Nodes of 3 min (Upgrade_OpenSearch 2 min, Upgrade_Plugin 1 min); c sits in
// Upgrade_OpenSearch for 48 min, from 6 min to 54 min.
recorded_upgrade one_slow_node() {
    return recorded_upgrade({simple_node("a", 2min), simple_node("b", 2min),
                             simple_node("c", 48min), simple_node("d", 2min)},
                            at(0min));
}

const event* find(const std::vector<event>& events, event_type type) {
    for (const event& e : events) {
        if (e.type == type)
            return &e;
    }
    return nullptr;
}

TEST(tracker_adaptive_test, fires_long_before_the_fixed_timeout_when_nodes_take_3_min) {
    tracker t(test_cluster(), adaptive_options());
    auto plan = one_slow_node();
    plan.play(t, at(15min) + 30s);
    EXPECT_FALSE(t.state().upgrade->stall.open);
    // a and b spent 2 min in Upgrade_OpenSearch: 3 × 2 min = 6 min, raised to adaptive_min.
    EXPECT_EQ(t.next_deadline(), at(6min) + 10min);
    EXPECT_TRUE(t.tick(at(16min) - 1s).empty());
    const auto events = t.tick(at(16min));
    ASSERT_EQ(types(events), std::vector<event_type>{event_type::upgrade_stalled});
    const event& e = events[0];
    EXPECT_EQ(e.stall->reason, "slower_than_peers");
    EXPECT_EQ(e.stall->stalled_for_seconds, 600);
    EXPECT_EQ(e.stall->peer_median_seconds, 120);
    EXPECT_EQ(e.node->hostname, "c");
    EXPECT_EQ(e.summary,
              "prod-logs: node c slower than its peers: in Upgrade_OpenSearch for 10m "
              "(complete nodes' median 2m) (2140 → 2150, 2/4 nodes done)");
}

TEST(tracker_adaptive_test, clears_when_the_node_moves_on_and_fires_once_per_episode) {
    tracker t(test_cluster(), adaptive_options());
    const auto plan = one_slow_node();
    std::vector<event> all;
    for (wall_time now = at(0min); now <= at(58min); now += 30s) {
        for (auto& e : t.tick(now))
            all.push_back(std::move(e));
        for (auto& e : t.observe(plan.at(now), now).events)
            all.push_back(std::move(e));
    }
    int stalled = 0;
    int cleared = 0;
    for (const event& e : all) {
        stalled += e.type == event_type::upgrade_stalled;
        cleared += e.type == event_type::stall_cleared;
    }
    // Past 45 min in the stage (node_stage_timeout, at 51 min) the same episode is still
    // open: no second alert. c moved on at 54 min: cleared.
    EXPECT_EQ(stalled, 1);
    ASSERT_EQ(cleared, 1);
    const event* clear = find(all, event_type::stall_cleared);
    EXPECT_EQ(clear->stall->reason, "slower_than_peers");
    EXPECT_EQ(clear->occurred_at, at(54min));
    EXPECT_FALSE(t.state().upgrade->stall.open);
}

TEST(tracker_adaptive_test, needs_two_complete_nodes) {
    tracker t(test_cluster(), adaptive_options());
    // b is the slow one: only a has completed when b's stage drags on.
    recorded_upgrade plan({simple_node("a", 2min), simple_node("b", 50min)}, at(0min));
    plan.play(t, at(40min));
    EXPECT_FALSE(t.state().upgrade->stall.open);
    EXPECT_EQ(t.next_deadline(), at(3min) + 45min);  // only the fixed timeout remains
    const auto events = t.tick(at(48min));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].stall->reason, "node_stage_timeout");
}

TEST(tracker_adaptive_test, the_factor_applies_above_adaptive_min) {
    auto o = adaptive_options();
    o.stall.adaptive_min = 1min;
    tracker t(test_cluster(), o);
    auto plan = one_slow_node();
    plan.play(t, at(11min) + 30s);
    EXPECT_EQ(t.next_deadline(), at(6min) + 3 * 2min);  // factor × median: 6 min in the stage
    EXPECT_EQ(types(t.tick(at(12min))), std::vector<event_type>{event_type::upgrade_stalled});
}

TEST(tracker_adaptive_test, compares_with_the_same_stage_of_the_peers) {
    tracker t(test_cluster(), adaptive_options());
    // Peers: Upgrade_OpenSearch 8 min. c is 12 min in it: slow only past 3 × 8 = 24 min.
    recorded_upgrade plan({simple_node("a", 8min), simple_node("b", 8min), simple_node("c", 30min)},
                          at(0min));
    plan.play(t, at(30min));
    EXPECT_FALSE(t.state().upgrade->stall.open);
    EXPECT_EQ(t.next_deadline(), at(18min) + 24min);
}

TEST(tracker_adaptive_test, a_factor_of_0_switches_it_off) {
    auto o = adaptive_options();
    o.stall.adaptive_factor = 0;
    tracker t(test_cluster(), o);
    auto plan = one_slow_node();
    plan.play(t, at(30min));
    EXPECT_FALSE(t.state().upgrade->stall.open);
    EXPECT_EQ(t.next_deadline(), at(6min) + 45min);
}

TEST(tracker_adaptive_test, a_moving_median_does_not_end_or_repeat_the_episode) {
    tracker t(test_cluster(), adaptive_options());
    // a, b: 2 min in Upgrade_OpenSearch. Then c, d and e upgrade at once (not one after the
    // other); c is slow from 16 min; d and e complete after 20 min in the stage, which moves
    // the peers' median to 11 min — c no longer counts as slow, but its episode stays open
    // until c moves.
    const auto poll = [&](wall_time now, const std::string& c, const std::string& d,
                          std::optional<wall_time> de_since) {
        snap_builder b("2140", "2150", at(0min));
        b.node("a", "complete", at(3min)).node("b", "complete", at(6min));
        b.node("c", c, c == "Upgrade_OpenSearch" ? at(6min) : now);
        b.node("d", d, de_since).node("e", d, de_since);
        return t.observe(b, now).events;
    };
    snap_builder start("2140", "2150", at(0min));
    start.node("a", "Upgrade_OpenSearch", at(0min)).node("b", "running").node("c", "running");
    start.node("d", "running").node("e", "running");
    t.observe(start, at(0min));
    snap_builder mid("2140", "2150", at(0min));
    mid.node("a", "Upgrade_Plugin", at(2min)).node("b", "Upgrade_OpenSearch", at(3min));
    mid.node("c", "running").node("d", "running").node("e", "running");
    t.observe(mid, at(3min));
    snap_builder later("2140", "2150", at(0min));
    later.node("a", "complete", at(3min)).node("b", "Upgrade_Plugin", at(5min));
    later.node("c", "running").node("d", "running").node("e", "running");
    t.observe(later, at(5min));
    poll(at(6min), "Upgrade_OpenSearch", "Upgrade_OpenSearch", at(6min));
    EXPECT_EQ(types(t.tick(at(16min))), std::vector<event_type>{event_type::upgrade_stalled});
    EXPECT_EQ(types(poll(at(26min), "Upgrade_OpenSearch", "complete", at(26min))),
              (std::vector<event_type>{event_type::node_changed, event_type::node_changed}));
    EXPECT_TRUE(t.state().upgrade->stall.open);
    EXPECT_TRUE(t.tick(at(40min)).empty());
    EXPECT_EQ(types(poll(at(41min), "complete", "complete", at(26min))),
              (std::vector<event_type>{event_type::node_changed, event_type::stall_cleared,
                                       event_type::upgrade_finished}));
}

TEST(tracker_adaptive_test, stage_times_survive_a_restart) {
    tracker t(test_cluster(), adaptive_options());
    auto plan = one_slow_node();
    plan.play(t, at(12min));
    tracker again = restarted(t);
    EXPECT_EQ(again.state(), t.state());
    EXPECT_EQ(again.next_deadline(), at(16min));
    EXPECT_EQ(types(again.tick(at(16min))), std::vector<event_type>{event_type::upgrade_stalled});
}

}  // namespace
}  // namespace sesmon::monitor::testing
