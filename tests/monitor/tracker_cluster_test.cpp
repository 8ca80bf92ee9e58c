// The tracker's side of the OpenSearch view (SPEC §16): cluster_health_red once per episode
// during an upgrade and its clear, recovery_stuck after recovery_timeout without progress,
// ids that survive a restart, and what stall events carry of the view.
#include <gtest/gtest.h>

#include "monitor/summary.hpp"
#include "tracker_fixture.hpp"

namespace sesmon::monitor {
namespace {

using namespace testing;

// By default a is back on the new version, b restarting, c not upgraded yet.
cluster_reading reading(const std::string& health, shard_counts shards = {},
                        std::vector<shard_recovery> recoveries = {},
                        std::vector<opensearch_node> nodes = {{"a", "2.15.0"}, {"c", "2.14.0"}}) {
    cluster_reading r;
    r.health = health;
    r.shards = shards;
    r.recoveries = std::move(recoveries);
    r.nodes = std::move(nodes);
    r.number_of_nodes = static_cast<int>(r.nodes.size());
    return r;
}

shard_recovery recovering(const std::string& shard, long long bytes) {
    shard_recovery r;
    r.index = "logs";
    r.shard = shard;
    r.stage = "index";
    r.target_node = "b";
    r.bytes_total = 1000;
    r.bytes_recovered = bytes;
    r.bytes_percent = static_cast<double>(bytes) / 10;
    return r;
}

tracker upgrading(tracker_options o = test_options()) {
    tracker t(test_cluster(), o);
    t.observe(three("complete", "Upgrade_OpenSearch", "running"), at(1min));
    return t;
}

TEST(tracker_cluster_test, red_during_an_upgrade_alerts_once_and_clears_once) {
    tracker t = upgrading();
    auto red = t.observe_cluster(reading("red", {0, 0, 6}), at(2min));
    ASSERT_EQ(types(red), std::vector<event_type>{event_type::cluster_health_red});
    const event& e = red[0];
    ASSERT_TRUE(e.stall && e.stall->cluster);
    EXPECT_EQ(e.stall->reason, "cluster_health_red");
    EXPECT_EQ(e.stall->cluster->health, "red");
    EXPECT_EQ(e.stall->cluster->shards.unassigned, 6);
    EXPECT_EQ(e.summary,
              "prod-logs: cluster health is red during the upgrade (2140 → 2150, 1/3 nodes done); "
              "OpenSearch red, shards 0 initializing, 0 relocating, 6 unassigned");
    EXPECT_TRUE(t.cluster_red_open());

    EXPECT_TRUE(t.observe_cluster(reading("red"), at(3min)).empty());  // still the same episode
    auto cleared = t.observe_cluster(reading("yellow", {2, 0, 3}), at(7min));
    ASSERT_EQ(types(cleared), std::vector<event_type>{event_type::cluster_health_cleared});
    EXPECT_EQ(cleared[0].stall->stalled_for_seconds, 5 * 60);
    EXPECT_TRUE(cleared[0].summary.starts_with(
        "prod-logs: cluster health no longer red (yellow) after 5m (2140"))
        << cleared[0].summary;
    EXPECT_FALSE(t.cluster_red_open());
    EXPECT_TRUE(t.observe_cluster(reading("green"), at(8min)).empty());

    // Red again: a new episode, a new id.
    auto again = t.observe_cluster(reading("red"), at(9min));
    ASSERT_EQ(again.size(), 1u);
    EXPECT_NE(again[0].id, red[0].id);
}

TEST(tracker_cluster_test, red_outside_an_upgrade_is_not_an_alert) {
    tracker t(test_cluster(), test_options());
    t.observe(idle3(), at(0min));
    EXPECT_TRUE(t.observe_cluster(reading("red"), at(1min)).empty());
    EXPECT_FALSE(t.cluster_red_open());
}

TEST(tracker_cluster_test, a_red_episode_outlives_its_upgrade_until_it_clears) {
    tracker t = upgrading();
    ASSERT_EQ(t.observe_cluster(reading("red"), at(2min)).size(), 1u);
    t.observe(three("complete", "complete", "complete"), at(5min));  // finished
    ASSERT_FALSE(t.upgrade_in_progress());
    EXPECT_TRUE(t.cluster_red_open());  // reads go on
    auto cleared = t.observe_cluster(reading("green"), at(6min));
    ASSERT_EQ(types(cleared), std::vector<event_type>{event_type::cluster_health_cleared});
}

TEST(tracker_cluster_test, a_restart_repeats_neither_red_nor_its_clear) {
    tracker t = upgrading();
    const auto red = t.observe_cluster(reading("red"), at(2min));
    ASSERT_EQ(red.size(), 1u);
    tracker again = restarted(t);
    EXPECT_TRUE(again.observe_cluster(reading("red"), at(3min)).empty());
    const auto cleared = again.observe_cluster(reading("green"), at(4min));
    ASSERT_EQ(cleared.size(), 1u);
    tracker third = restarted(again);
    EXPECT_TRUE(third.observe_cluster(reading("green"), at(5min)).empty());
    // The same episode computed again has the same id (state lost before it was saved).
    tracker lost = upgrading();
    EXPECT_EQ(lost.observe_cluster(reading("red"), at(2min)).at(0).id, red[0].id);
}

TEST(tracker_cluster_test, recoveries_without_progress_for_the_timeout_are_stuck_once) {
    tracker_options o = test_options();
    o.stall.recovery_timeout = 15min;
    tracker t = upgrading(o);
    const std::vector<shard_recovery> at40{recovering("0", 400), recovering("1", 400)};
    EXPECT_TRUE(t.observe_cluster(reading("yellow", {2, 0, 3}, at40), at(2min)).empty());
    EXPECT_TRUE(t.observe_cluster(reading("yellow", {2, 0, 3}, at40), at(16min)).empty());
    const auto stuck = t.observe_cluster(reading("yellow", {2, 1, 3}, at40), at(17min));
    ASSERT_EQ(types(stuck), std::vector<event_type>{event_type::recovery_stuck});
    const event& e = stuck[0];
    ASSERT_TRUE(e.stall && e.stall->cluster);
    EXPECT_EQ(e.stall->reason, "recovery_stuck");
    EXPECT_EQ(e.stall->stalled_for_seconds, 15 * 60);
    EXPECT_EQ(e.stall->cluster->shards, (shard_counts{2, 1, 3}));
    EXPECT_EQ(e.stall->cluster->recoveries, (recovery_summary{2, 40}));
    EXPECT_EQ(e.summary,
              "prod-logs: shard recoveries made no progress for 15m (2140 → 2150, 1/3 nodes "
              "done); OpenSearch yellow, shards 2 initializing, 1 relocating, 3 unassigned, 2 "
              "recoveries 40% done");
    EXPECT_TRUE(t.observe_cluster(reading("yellow", {2, 1, 3}, at40), at(40min)).empty());

    // They move: the stuck period is over; stuck again later is a new alert.
    const std::vector<shard_recovery> at50{recovering("0", 500), recovering("1", 400)};
    EXPECT_TRUE(t.observe_cluster(reading("yellow", {}, at50), at(41min)).empty());
    const auto again = t.observe_cluster(reading("yellow", {}, at50), at(56min));
    ASSERT_EQ(again.size(), 1u);
    EXPECT_NE(again[0].id, e.id);
}

TEST(tracker_cluster_test, recovery_rules_switched_off_or_outside_an_upgrade_say_nothing) {
    tracker_options off = test_options();
    off.stall.recovery_timeout = duration::zero();
    tracker t = upgrading(off);
    const std::vector<shard_recovery> r{recovering("0", 1)};
    t.observe_cluster(reading("yellow", {}, r), at(2min));
    EXPECT_TRUE(t.observe_cluster(reading("yellow", {}, r), at(300min)).empty());

    tracker idle(test_cluster(), test_options());
    idle.observe(idle3(), at(0min));
    idle.observe_cluster(reading("yellow", {}, r), at(1min));
    EXPECT_TRUE(idle.observe_cluster(reading("yellow", {}, r), at(100min)).empty());
}

TEST(tracker_cluster_test, stall_events_carry_the_view_and_say_where_the_node_is) {
    tracker_options o = test_options();
    o.stall.node_stage_timeout = 10min;
    tracker t(test_cluster(), o);
    t.set_cluster_view(cluster_view_state{});  // configured, not read yet
    t.observe(three("complete", "Upgrade_OpenSearch", "running"), at(1min));
    cluster_reading r = reading("yellow", {0, 0, 5}, {}, {{"c", "2.14.0"}});
    t.set_cluster_view(cluster_view_state{r, ""});
    const auto stalled = t.tick(at(12min));
    ASSERT_EQ(types(stalled), std::vector<event_type>{event_type::upgrade_stalled});
    const auto& c = stalled[0].stall->cluster;
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->current);
    EXPECT_EQ(c->health, "yellow");
    EXPECT_EQ(c->node_in_cluster, std::optional<bool>(false));  // b is restarting
    EXPECT_EQ(c->nodes_absent, std::vector<std::string>{"a"});  // complete, not listed
    EXPECT_EQ(stalled[0].summary,
              "prod-logs: node b stuck in Upgrade_OpenSearch for 11m (2140 → 2150, 1/3 nodes "
              "done); OpenSearch yellow, shards 0 initializing, 0 relocating, 5 unassigned, b "
              "not in _cat/nodes, complete but not in _cat/nodes: a");
}

TEST(tracker_cluster_test, an_unreachable_view_is_said_and_changes_no_stall) {
    tracker_options o = test_options();
    o.stall.node_stage_timeout = 10min;
    tracker with_view(test_cluster(), o);
    tracker without(test_cluster(), o);
    with_view.set_cluster_view(cluster_view_state{std::nullopt, "OpenSearch unreachable: x"});
    for (tracker* t : {&with_view, &without})
        t->observe(three("complete", "Upgrade_OpenSearch", "running"), at(1min));
    const auto a = with_view.tick(at(12min));
    const auto b = without.tick(at(12min));
    ASSERT_EQ(types(a), types(b));  // the same alert, at the same time, with the same id
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].id, b[0].id);
    ASSERT_TRUE(a[0].stall->cluster);
    EXPECT_FALSE(a[0].stall->cluster->current);
    EXPECT_FALSE(b[0].stall->cluster);  // no view configured: nothing about one
    EXPECT_EQ(a[0].summary,
              b[0].summary + "; OpenSearch view unavailable (OpenSearch unreachable: x)");
}

}  // namespace
}  // namespace sesmon::monitor
