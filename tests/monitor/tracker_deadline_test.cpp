// tracker::next_deadline and the anchored clock: stall and blind deadlines are known ahead,
// so the daemon arms a timer for them (SPEC §4), and a wall-clock step moves none of them.
#include <gtest/gtest.h>

#include "monitor/anchored_clock.hpp"
#include "tracker_fixture.hpp"

namespace sesmon::monitor::testing {
namespace {

TEST(tracker_deadline_test, an_upgrading_node_sets_the_stall_deadline) {
    tracker t(test_cluster(), test_options());
    EXPECT_EQ(t.next_deadline(), std::nullopt);  // nothing known yet
    t.observe(snap_builder().node("a", "Upgrade_OpenSearch", at(2min)).node("b", "running"),
              at(3min));
    // a's stage began at 2 min (updatedDate); no_progress counts from the same change.
    EXPECT_EQ(t.next_deadline(), at(2min) + 45min);
    EXPECT_TRUE(t.tick(at(2min) + 45min - 1s).empty());
    EXPECT_EQ(types(t.tick(at(2min) + 45min)),
              std::vector<event_type>{event_type::upgrade_stalled});
    EXPECT_EQ(t.next_deadline(), std::nullopt);  // stalled: only a poll can clear it
}

TEST(tracker_deadline_test, no_progress_is_the_deadline_when_it_comes_first) {
    auto o = test_options();
    o.stall.no_progress_timeout = 20min;
    tracker t(test_cluster(), o);
    t.observe(snap_builder().node("a", "Upgrade_OpenSearch", at(1min)).node("b", "running"),
              at(1min));
    EXPECT_EQ(t.next_deadline(), at(1min) + 20min);
    const auto events = t.tick(at(21min));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].stall->reason, "no_progress_timeout");
}

TEST(tracker_deadline_test, switched_off_timeouts_set_no_deadline) {
    auto o = test_options();
    o.stall.node_stage_timeout = 0ms;
    o.stall.no_progress_timeout = 0ms;
    o.stall.blind_timeout = 0ms;
    tracker t(test_cluster(), o);
    t.observe(snap_builder().node("a", "Upgrade_OpenSearch", at(1min)), at(1min));
    EXPECT_EQ(t.next_deadline(), std::nullopt);
    t.poll_failed(auth_error(), at(2min));
    EXPECT_EQ(t.next_deadline(), std::nullopt);
}

TEST(tracker_deadline_test, failing_polls_set_the_blind_deadline_from_the_last_success) {
    tracker t(test_cluster(), test_options());
    t.observe(idle3(), at(0min));
    t.poll_failed(auth_error(), at(1min));
    EXPECT_EQ(t.next_deadline(), at(0min) + 10min);  // blind counts from the last success
    EXPECT_EQ(types(t.tick(at(10min))), std::vector<event_type>{event_type::monitor_blind});
    EXPECT_EQ(t.next_deadline(), std::nullopt);  // open: the next success recovers it
}

TEST(tracker_deadline_test, a_finished_upgrade_has_no_deadline) {
    tracker t(test_cluster(), test_options());
    t.observe(three("complete", "complete", "complete"), at(5min));
    EXPECT_EQ(t.next_deadline(), std::nullopt);
}

TEST(anchored_clock_test, only_the_monotonic_clock_moves_it) {
    manual_clock clock(at(0min));
    const anchored_clock anchored(clock);
    EXPECT_EQ(anchored.now(), at(0min));
    clock.advance(90s);
    EXPECT_EQ(anchored.now(), at(0min) + 90s);
    EXPECT_EQ(anchored.steady_at(at(0min) + 90s), clock.steady_now());
}

// A wall clock stepping an hour forward (or back) neither fires nor delays a stall: the
// daemon feeds its trackers anchored time (cluster_runtime), so the step never reaches them.
TEST(anchored_clock_test, a_wall_clock_step_neither_fires_nor_delays_a_stall) {
    for (const auto step : {1h, -1h}) {
        manual_clock clock(at(0min));
        const anchored_clock anchored(clock);
        tracker t(test_cluster(), test_options());
        t.observe(snap_builder().node("a", "Upgrade_OpenSearch").node("b", "running"),
                  anchored.now());
        clock.step_wall(step);
        clock.advance(44min);
        EXPECT_TRUE(t.tick(anchored.now()).empty())
            << "fired early after a step of " << step.count();
        clock.advance(1min);
        EXPECT_EQ(types(t.tick(anchored.now())),
                  std::vector<event_type>{event_type::upgrade_stalled})
            << "delayed by a step of " << step.count() << " h";
    }
}

}  // namespace
}  // namespace sesmon::monitor::testing
