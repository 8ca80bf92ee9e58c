// The tracker's event contents and the odd inputs of SPEC §4, one behaviour per test.
#include "monitor/tracker.hpp"

#include <gtest/gtest.h>

#include <set>

#include "tracker_fixture.hpp"

namespace sesmon::monitor {
namespace {

using namespace testing;
using namespace std::chrono_literals;

// The statuses and dates of the seed response (/work/shared/seed): 1 complete, 1 upgrading,
// 6 running, nodeCount 8, actionDate 2025-03-24 17:09:41 (+09:00).
snapshot seed_snapshot() {
    auto kst = [](int h, int m, int s) {
        return std::chrono::sys_days{std::chrono::year{2025} / 3 / 24} + std::chrono::hours(h - 9) +
               std::chrono::minutes(m) + std::chrono::seconds(s);
    };
    return snap_builder("2140", "2150", kst(17, 9, 41))
        .node("cluster000-mo-6tnk", "complete", kst(17, 11, 28), "MO")
        .node("cluster000-mo-6tnl", "Upgrade_OpenSearch", kst(17, 11, 28), "MO")
        .node("cluster000-do-6tnm", "running", kst(16, 35, 53), "DO")
        .node("cluster000-do-6tnn", "running", kst(16, 35, 59), "DO")
        .node("cluster000-do-6tno", "running", kst(16, 36, 6), "DO")
        .node("cluster000-m-6tnh", "running", kst(16, 36, 16), "M")
        .node("cluster000-m-6tni", "running", kst(16, 36, 21), "M")
        .node("cluster000-mo-6tnj", "running", kst(16, 36, 11), "MO")
        .count(8);
}

TEST(tracker_test, seed_response_starts_the_upgrade_with_1_of_8_complete) {
    tracker t(test_cluster(), test_options());
    const auto r = t.observe(seed_snapshot(), at(15min));
    ASSERT_EQ(types(r.events), std::vector{event_type::upgrade_started});
    const event& e = r.events[0];
    ASSERT_TRUE(e.upgrade);
    EXPECT_EQ(e.upgrade->from_version, "2140");
    EXPECT_EQ(e.upgrade->to_version, "2150");
    EXPECT_EQ(e.upgrade->nodes_total, 8);
    EXPECT_EQ(e.upgrade->nodes_complete, 1);
    EXPECT_EQ(e.upgrade->action_date, "2025-03-24T17:09:41+09:00");
    EXPECT_EQ(e.upgrade->started_at, at(9min) + 41s);  // actionDate, earlier than first sight
    EXPECT_FALSE(e.upgrade->finished_at);
    EXPECT_FALSE(e.node);
    EXPECT_EQ(e.summary, "prod-logs: upgrade started (2140 → 2150, 1/8 nodes done)");
    EXPECT_TRUE(r.upgrade_in_progress);
    EXPECT_TRUE(r.new_unknown_statuses.empty());
    EXPECT_TRUE(t.changed_since_save());
}

TEST(tracker_test, node_changed_carries_node_previous_status_since_and_counts) {
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    const auto r = t.observe(snap_builder()
                                 .node("a", "complete", at(3min), "MO")
                                 .node("b", "running")
                                 .node("c", "running"),
                             at(5min));
    ASSERT_EQ(types(r.events), std::vector{event_type::node_changed});
    const event& e = r.events[0];
    ASSERT_TRUE(e.node);
    EXPECT_EQ(e.node->hostname, "a");
    EXPECT_EQ(e.node->role, "MO");
    EXPECT_EQ(e.node->status, "complete");
    EXPECT_EQ(e.node->previous_status, up);
    EXPECT_EQ(e.node->status_since, at(3min));  // updatedDate: after our last sight, not future
    EXPECT_EQ(e.upgrade->nodes_complete, 1);    // counts after this observation
    EXPECT_EQ(e.summary,
              "prod-logs: node a Upgrade_OpenSearch → complete (2140 → 2150, 1/3 nodes done)");
}

TEST(tracker_test, future_updated_date_is_ignored_for_time_in_stage) {
    tracker t(test_cluster(), test_options());
    const auto r = t.observe(snap_builder().node("a", up, at(120min)), at(10min));
    ASSERT_EQ(t.state().upgrade->nodes.size(), 1u);
    EXPECT_EQ(t.state().upgrade->nodes[0].since, at(10min));
    EXPECT_TRUE(t.tick(at(54min)).empty());
    EXPECT_EQ(types(t.tick(at(55min))), std::vector{event_type::upgrade_stalled});
}

TEST(tracker_test, earlier_updated_date_counts_time_in_stage_from_it) {
    tracker t(test_cluster(), test_options());
    const auto r =
        t.observe(snap_builder("2140", "2150", at(0min)).node("a", up, at(1min)), at(46min));
    EXPECT_EQ(types(r.events),
              (std::vector{event_type::upgrade_started, event_type::upgrade_stalled}));
    ASSERT_TRUE(r.events[1].stall);
    EXPECT_EQ(r.events[1].stall->reason, "node_stage_timeout");
    EXPECT_EQ(r.events[1].stall->stalled_for_seconds, 45 * 60);
    EXPECT_EQ(
        r.events[1].summary,
        "prod-logs: node a stuck in Upgrade_OpenSearch for 45m (2140 → 2150, 0/1 nodes done)");
}

TEST(tracker_test, stale_updated_date_on_a_change_is_ignored) {
    tracker t(test_cluster(), test_options());
    t.observe(snap_builder().node("a", "running", at(0min)).node("b", up), at(10min));
    // a moved after we saw it at minute 10, but its updatedDate says minute 2: stale.
    const auto r = t.observe(snap_builder().node("a", up, at(2min)).node("b", up), at(20min));
    ASSERT_EQ(types(r.events), std::vector{event_type::node_changed});
    EXPECT_EQ(r.events[0].node->status_since, at(20min));
}

TEST(tracker_test, unknown_status_is_reported_once_per_new_value_and_tracked_verbatim) {
    tracker t(test_cluster(), test_options());
    auto r = t.observe(three(up, "Maintenance", "running"), at(0min));
    EXPECT_EQ(r.new_unknown_statuses, std::vector<std::string>{"Maintenance"});
    r = t.observe(three(up, "Maintenance", "Maintenance"), at(1min));
    EXPECT_TRUE(r.new_unknown_statuses.empty());
    EXPECT_EQ(types(r.events), std::vector{event_type::node_changed});
    EXPECT_EQ(r.events[0].node->status, "Maintenance");
    r = t.observe(three(up, "maintenance", "Rebooting"), at(2min));
    EXPECT_EQ(r.new_unknown_statuses, (std::vector<std::string>{"maintenance", "Rebooting"}));
    // A restart remembers what was reported.
    tracker again = restarted(t);
    EXPECT_TRUE(again.observe(three(up, "maintenance", "Rebooting"), at(3min))
                    .new_unknown_statuses.empty());
}

TEST(tracker_test, unknown_statuses_alone_do_not_start_an_upgrade) {
    tracker t(test_cluster(), test_options());
    const auto r = t.observe(snap_builder("2150", "2150").node("a", "Maintenance"), at(0min));
    EXPECT_TRUE(r.events.empty());
    EXPECT_FALSE(r.upgrade_in_progress);
}

TEST(tracker_test, replaced_node_leaves_and_the_new_one_is_reported_when_past_pending) {
    tracker t(test_cluster(), test_options());
    t.observe(three("complete", up, "running"), at(0min));
    // b is replaced by b2, first listed as running: no event, but it is noted.
    auto r = t.observe(
        snap_builder().node("a", "complete").node("b2", "running").node("c", "running"), at(1min));
    EXPECT_TRUE(r.events.empty());
    EXPECT_EQ(r.nodes_disappeared, std::vector<std::string>{"b"});
    EXPECT_EQ(r.nodes_appeared, std::vector<std::string>{"b2"});
    r = t.observe(snap_builder().node("a", "complete").node("b2", up).node("c", "running"),
                  at(2min));
    ASSERT_EQ(types(r.events), std::vector{event_type::node_changed});
    EXPECT_EQ(r.events[0].node->previous_status, "running");
    // A node that appears already upgrading is a node_changed with no previous status.
    r = t.observe(
        snap_builder().node("a", "complete").node("b2", up).node("c", "running").node("d", up),
        at(3min));
    ASSERT_EQ(types(r.events), std::vector{event_type::node_changed});
    EXPECT_EQ(r.events[0].node->hostname, "d");
    EXPECT_EQ(r.events[0].node->previous_status, "");
    EXPECT_EQ(r.events[0].summary,
              "prod-logs: node d appeared as Upgrade_OpenSearch (2140 → 2150, 1/4 nodes done)");
}

TEST(tracker_test, departed_nodes_do_not_block_the_finish) {
    tracker t(test_cluster(), test_options());
    t.observe(three("complete", up, "running"), at(0min));
    const auto r =
        t.observe(snap_builder().node("a", "complete").node("b", "complete").count(2), at(5min));
    EXPECT_EQ(types(r.events),
              (std::vector{event_type::node_changed, event_type::upgrade_finished}));
    EXPECT_EQ(r.events[1].upgrade->nodes_total, 2);
}

TEST(tracker_test, a_returning_node_gets_fresh_event_ids) {
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    t.observe(snap_builder().node("b", "running").node("c", "running").count(3), at(1min));
    const auto r1 = t.observe(three(up, "running", "running"), at(2min));
    ASSERT_EQ(types(r1.events), std::vector{event_type::node_changed});
    t.observe(snap_builder().node("b", "running").node("c", "running").count(3), at(3min));
    const auto r2 = t.observe(three(up, "running", "running"), at(4min));
    ASSERT_EQ(types(r2.events), std::vector{event_type::node_changed});
    EXPECT_NE(r1.events[0].id, r2.events[0].id);
}

TEST(tracker_test, finish_needs_node_count_nodes_listed) {
    tracker t(test_cluster(), test_options());
    t.observe(snap_builder().node("a", up).node("b", "running").count(3), at(0min));
    auto r =
        t.observe(snap_builder().node("a", "complete").node("b", "complete").count(3), at(1min));
    EXPECT_EQ(types(r.events), (std::vector{event_type::node_changed, event_type::node_changed}));
    EXPECT_EQ(r.events[1].upgrade->nodes_total, 3);
    EXPECT_TRUE(r.upgrade_in_progress);
    r = t.observe(
        snap_builder().node("a", "complete").node("b", "complete").node("c", "complete").count(3),
        at(2min));
    EXPECT_EQ(types(r.events),
              (std::vector{event_type::node_changed, event_type::upgrade_finished}));
    EXPECT_FALSE(r.upgrade_in_progress);
}

TEST(tracker_test, a_list_longer_than_node_count_finishes_when_all_listed_are_complete) {
    tracker t(test_cluster(), test_options());
    t.observe(snap_builder().node("a", up).node("b", "complete").node("c", "complete").count(2),
              at(0min));
    auto r = t.observe(
        snap_builder().node("a", "complete").node("b", "complete").node("c", "complete").count(2),
        at(1min));
    ASSERT_EQ(types(r.events),
              (std::vector{event_type::node_changed, event_type::upgrade_finished}));
    EXPECT_EQ(r.events[1].upgrade->nodes_total, 3);
    EXPECT_EQ(r.events[1].upgrade->nodes_complete, 3);
}

TEST(tracker_test, finished_duration_runs_from_action_date_to_the_last_completion) {
    tracker t(test_cluster(), test_options());
    t.observe(snap_builder("2140", "2150", at(0min)).node("a", up, at(1min)).node("b", "running"),
              at(5min));
    const auto r = t.observe(snap_builder("2140", "2150", at(0min))
                                 .node("a", "complete", at(30min))
                                 .node("b", "complete", at(62min)),
                             at(70min));
    ASSERT_EQ(types(r.events).back(), event_type::upgrade_finished);
    const event& e = r.events.back();
    EXPECT_EQ(e.upgrade->started_at, at(0min));
    EXPECT_EQ(e.upgrade->finished_at, at(62min));
    EXPECT_EQ(e.summary, "prod-logs: upgrade finished in 1h02m (2140 → 2150, 2/2 nodes done)");
}

TEST(tracker_test, upgrade_failed_names_the_node) {
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    const auto r = t.observe(three("Upgrade_Failed", "running", "running"), at(1min));
    ASSERT_EQ(types(r.events), (std::vector{event_type::node_changed, event_type::upgrade_failed}));
    EXPECT_EQ(r.events[1].node->hostname, "a");
    EXPECT_EQ(r.events[1].summary,
              "prod-logs: node a failed with status Upgrade_Failed (2140 → 2150, 0/3 nodes done)");
}

TEST(tracker_test, stall_cleared_and_the_next_stall_have_new_ids) {
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    const auto s1 = t.tick(at(45min));
    const auto c1 = t.observe(three("complete", up, "running"), at(50min)).events;
    const auto s2 = t.tick(at(95min));
    ASSERT_EQ(s1.size(), 1u);
    ASSERT_EQ(c1.back().type, event_type::stall_cleared);
    ASSERT_EQ(s2.size(), 1u);
    const std::set<std::string> ids{s1[0].id, c1.back().id, s2[0].id};
    EXPECT_EQ(ids.size(), 3u);
    EXPECT_EQ(c1.back().stall->stalled_for_seconds, 50 * 60);
    EXPECT_EQ(c1.back().summary,
              "prod-logs: upgrade moving again after 50m stalled (2140 → 2150, 1/3 nodes done)");
    EXPECT_EQ(t.state().upgrade->stall.number, 2u);
}

TEST(tracker_test, no_progress_stall_reports_the_quiet_time) {
    tracker t(test_cluster(), test_options());
    t.observe(three("complete", "running", "running"), at(0min));
    const auto e = t.tick(at(61min));
    ASSERT_EQ(types(e), std::vector{event_type::upgrade_stalled});
    EXPECT_EQ(e[0].stall->reason, "no_progress_timeout");
    EXPECT_EQ(e[0].stall->stalled_for_seconds, 61 * 60);
    EXPECT_FALSE(e[0].node);
    EXPECT_EQ(e[0].summary,
              "prod-logs: no node changed status for 1h01m (2140 → 2150, 1/3 nodes done)");
}

TEST(tracker_test, per_cluster_stall_overrides_apply) {
    tracker_options slow = test_options();
    slow.stall.node_stage_timeout = 90min;
    slow.stall.no_progress_timeout = 0min;  // off
    tracker fast_t(test_cluster(), test_options());
    tracker slow_t(test_cluster(), slow);
    fast_t.observe(three(up, "running", "running"), at(0min));
    slow_t.observe(three(up, "running", "running"), at(0min));
    EXPECT_EQ(types(fast_t.tick(at(47min))), std::vector{event_type::upgrade_stalled});
    EXPECT_TRUE(slow_t.tick(at(47min)).empty());
    EXPECT_TRUE(slow_t.tick(at(89min)).empty());
    EXPECT_EQ(types(slow_t.tick(at(90min))), std::vector{event_type::upgrade_stalled});
}

TEST(tracker_test, reload_with_shorter_timeouts_applies_on_the_next_tick) {
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    EXPECT_TRUE(t.tick(at(20min)).empty());
    tracker_options shorter = test_options();
    shorter.stall.node_stage_timeout = 15min;
    t.set_options(shorter);
    EXPECT_EQ(types(t.tick(at(21min))), std::vector{event_type::upgrade_stalled});
}

TEST(tracker_test, restart_then_same_snapshot_emits_nothing) {
    tracker t(test_cluster(), test_options());
    t.observe(seed_snapshot(), at(15min));
    t.observe(three(up, "Upgrade_Failed", "running"), at(16min));
    t.tick(at(70min));
    ASSERT_TRUE(t.state().upgrade->stall.open);
    tracker again = restarted(t);
    EXPECT_EQ(again.state(), t.state());
    const auto r = again.observe(three(up, "Upgrade_Failed", "running"), at(71min));
    EXPECT_TRUE(r.events.empty());
    EXPECT_TRUE(again.tick(at(72min)).empty());
}

TEST(tracker_test, same_inputs_give_the_same_ids_in_another_process) {
    auto run = [] {
        tracker t(test_cluster(), test_options());
        std::vector<std::string> ids;
        for (const auto& e : t.observe(three(up, "running", "running"), at(0min)).events)
            ids.push_back(e.id);
        for (const auto& e : t.tick(at(45min)))
            ids.push_back(e.id);
        for (const auto& e : t.observe(three("complete", up, "failed"), at(50min)).events)
            ids.push_back(e.id);
        return ids;
    };
    const auto a = run();
    EXPECT_EQ(a.size(), 7u);  // started, stalled, 3× node_changed, failed, cleared
    EXPECT_EQ(a, run());
    EXPECT_EQ(std::set<std::string>(a.begin(), a.end()).size(), a.size());
}

TEST(tracker_test, an_id_already_in_state_is_never_emitted) {
    // The state was saved before a change whose event went out (a crash between the two):
    // the restored emitted set still suppresses it, while the record catches up.
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    cluster_state saved = t.state();
    const auto change = t.observe(three("complete", "running", "running"), at(1min)).events;
    ASSERT_EQ(change.size(), 1u);
    saved.emitted.push_back(change[0].id);
    tracker again(test_cluster(), test_options(), saved);
    EXPECT_TRUE(again.observe(three("complete", "running", "running"), at(2min)).events.empty());
    EXPECT_EQ(again.state().upgrade->nodes[0].status, "complete");
    // Without the id, the same change would be emitted again with the same id.
    cluster_state older = saved;
    older.emitted.pop_back();
    tracker replay(test_cluster(), test_options(), older);
    const auto replayed = replay.observe(three("complete", "running", "running"), at(2min)).events;
    ASSERT_EQ(replayed.size(), 1u);
    EXPECT_EQ(replayed[0].id, change[0].id);
}

TEST(tracker_test, only_real_changes_mark_the_state_for_saving) {
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    ASSERT_TRUE(t.changed_since_save());
    t.mark_saved();
    t.observe(three(up, "running", "running"), at(1min));
    EXPECT_FALSE(t.changed_since_save());
    t.tick(at(2min));
    EXPECT_FALSE(t.changed_since_save());
    t.poll_failed(auth_error(), at(3min));
    EXPECT_TRUE(t.changed_since_save());  // a failure streak began
    t.mark_saved();
    t.poll_failed(auth_error(), at(4min));
    EXPECT_FALSE(t.changed_since_save());
    t.observe(three(up, "running", "running"), at(5min));
    EXPECT_TRUE(t.changed_since_save());  // the streak ended
}

TEST(tracker_test, emitted_ids_of_an_older_upgrade_are_pruned) {
    tracker t(test_cluster(), test_options());
    t.observe(three(up, "running", "running"), at(0min));
    t.observe(three("complete", "complete", "complete"), at(5min));
    EXPECT_EQ(t.state().emitted.size(), 5u);
    t.observe(snap_builder("2150", "2160", at(10min)).node("a", "running"), at(10min));
    EXPECT_EQ(t.state().emitted.size(), 1u);
}

}  // namespace
}  // namespace sesmon::monitor
