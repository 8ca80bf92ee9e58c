// Table-driven: every row of SPEC §4 and the transitions between them. Each scenario is a
// list of steps (a poll result or a timer tick at a minute offset) with the event types
// that step must emit, in order. Every scenario is also replayed with a restart (state
// through JSON) before every step, which must change nothing.
#include <gtest/gtest.h>

#include "tracker_fixture.hpp"

namespace sesmon::monitor {
namespace {

using namespace testing;
using et = event_type;

struct table_step {
    enum class kind { observe, fail, tick } what;
    std::chrono::minutes when;
    snapshot snap;
    std::vector<event_type> expect;
};

table_step obs(int minute, snapshot s, std::vector<event_type> expect = {}) {
    return {table_step::kind::observe, std::chrono::minutes(minute), std::move(s),
            std::move(expect)};
}
table_step fail(int minute, std::vector<event_type> expect = {}) {
    return {table_step::kind::fail, std::chrono::minutes(minute), {}, std::move(expect)};
}
table_step tick(int minute, std::vector<event_type> expect = {}) {
    return {table_step::kind::tick, std::chrono::minutes(minute), {}, std::move(expect)};
}

struct scenario {
    std::string name;
    std::vector<table_step> steps;
};

std::vector<scenario> scenarios() {
    return {
        {"idle_cluster_emits_nothing",
         {obs(0, idle3()), obs(5, idle3()), tick(200), obs(300, snap_builder().no_version())}},
        {"started_when_target_differs",
         {obs(0, idle3()), obs(1, three("running", "running", "running"), {et::upgrade_started}),
          obs(2, three("running", "running", "running"))}},
        {"started_when_a_node_is_past_pending_with_equal_versions",
         {obs(0, snap_builder("2150", "2150").node("a", up).node("b", "running"),
              {et::upgrade_started})}},
        {"started_without_version_vo_when_a_node_upgrades",
         {obs(0, snap_builder().no_version().node("a", up).node("b", "running"),
              {et::upgrade_started})}},
        {"response_without_version_vo_continues_the_current_upgrade",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          obs(1,
              snap_builder()
                  .no_version()
                  .node("a", "complete")
                  .node("b", "running")
                  .node("c", "running"),
              {et::node_changed}),
          obs(2, three("complete", up, "running"), {et::node_changed})}},
        {"node_changed_once_per_change",
         {obs(0, three("running", "running", "running"), {et::upgrade_started}),
          obs(1, three(up, "running", "running"), {et::node_changed}),
          obs(2, three(up, "running", "running")),
          obs(3, three("complete", up, "running"), {et::node_changed, et::node_changed})}},
        {"letter_case_is_not_a_change",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          obs(1, three("UPGRADE_OPENSEARCH", "Running", "running"))}},
        {"finished_once_when_all_complete",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          obs(5, three("complete", "complete", up),
              {et::node_changed, et::node_changed, et::node_changed}),
          obs(9, three("complete", "complete", "completed"),
              {et::node_changed, et::upgrade_finished}),
          obs(10, three("complete", "complete", "complete")), tick(500), obs(600, idle3())}},
        {"failed_once_per_node_per_upgrade",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          obs(1, three("Upgrade_Failed", "running", "running"),
              {et::node_changed, et::upgrade_failed}),
          obs(2, three(up, "running", "running"), {et::node_changed}),
          obs(3, three("error", "running", "running"), {et::node_changed}),
          obs(4, three("error", "fail", "running"), {et::node_changed, et::upgrade_failed})}},
        {"failed_node_at_first_sight",
         {obs(0, three("failed", "running", "running"),
              {et::upgrade_started, et::upgrade_failed})}},
        {"node_stage_stall_once_per_episode_then_cleared",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}), tick(44),
          obs(44, three(up, "running", "running")), tick(45, {et::upgrade_stalled}), tick(46),
          obs(50, three(up, "running", "running")), tick(55),
          obs(56, three("complete", "running", "running"), {et::node_changed, et::stall_cleared}),
          tick(57)}},
        {"stall_detected_by_observe_too",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          obs(45, three(up, "running", "running"), {et::upgrade_stalled})}},
        {"no_progress_stall_and_clear",
         {obs(0, three("running", "running", "running"), {et::upgrade_started}), tick(59),
          tick(60, {et::upgrade_stalled}), tick(90),
          obs(91, three(up, "running", "running"), {et::node_changed, et::stall_cleared})}},
        {"a_node_joining_or_leaving_counts_as_progress",
         {obs(0, three("running", "running", "running"), {et::upgrade_started}),
          obs(30, snap_builder()
                      .node("a", "running")
                      .node("b", "running")
                      .node("c", "running")
                      .node("d", "running")),
          tick(89), obs(89, three("running", "running", "running")), tick(148),
          tick(149, {et::upgrade_stalled})}},
        {"stall_again_after_clear_is_a_new_episode",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          tick(45, {et::upgrade_stalled}),
          obs(46, three("complete", up, "running"),
              {et::node_changed, et::node_changed, et::stall_cleared}),
          tick(90), tick(91, {et::upgrade_stalled}),
          obs(92, three("complete", "complete", "running"),
              {et::node_changed, et::stall_cleared})}},
        {"change_of_another_node_does_not_clear_a_node_stall",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          tick(45, {et::upgrade_stalled}),
          obs(46, three(up, "Upgrade_Plugins", "running"), {et::node_changed})}},
        {"finish_closes_an_open_stall_first",
         {obs(0, three("complete", "complete", up), {et::upgrade_started}),
          tick(45, {et::upgrade_stalled}),
          obs(50, three("complete", "complete", "complete"),
              {et::node_changed, et::stall_cleared, et::upgrade_finished})}},
        {"vanished_after_two_polls_without_the_upgrade",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          obs(1, snap_builder().no_version()),
          obs(2, snap_builder().no_version(), {et::upgrade_vanished}),
          obs(3, snap_builder().no_version()), tick(200)}},
        {"single_missing_poll_is_not_vanished",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}), obs(1, idle3()),
          obs(2, three("complete", "running", "running"), {et::node_changed})}},
        {"vanished_by_a_different_upgrade",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          obs(1, snap_builder("2140", "2160", at(1min)).node("a", "running"),
              {et::upgrade_vanished, et::upgrade_started})}},
        {"vanished_closes_an_open_stall",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          tick(45, {et::upgrade_stalled}), obs(46, idle3()),
          obs(47, idle3(), {et::stall_cleared, et::upgrade_vanished})}},
        {"vanished_upgrade_reappearing_is_tracked_silently",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}), obs(1, idle3()),
          obs(2, idle3(), {et::upgrade_vanished}), obs(3, three(up, "running", "running")),
          obs(4, three("complete", "running", "running"), {et::node_changed})}},
        {"new_upgrade_after_a_finished_one",
         {obs(0, three("complete", "complete", up), {et::upgrade_started}),
          obs(5, three("complete", "complete", "complete"),
              {et::node_changed, et::upgrade_finished}),
          obs(10, idle3()),
          obs(100,
              snap_builder("2150", "2160", at(100min))
                  .node("a", "running")
                  .node("b", "running")
                  .node("c", "running"),
              {et::upgrade_started}),
          obs(101,
              snap_builder("2150", "2160", at(100min))
                  .node("a", up)
                  .node("b", "running")
                  .node("c", "running"),
              {et::node_changed})}},
        {"first_seen_already_finished_is_recorded_silently",
         {obs(0, three("complete", "complete", "complete")), tick(200),
          obs(300, three("complete", "complete", "complete"))}},
        {"flapping_back_to_running_is_a_change_each_time",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}),
          obs(1, three("running", "running", "running"), {et::node_changed}),
          obs(2, three(up, "running", "running"), {et::node_changed}),
          obs(3, three("running", "running", "running"), {et::node_changed})}},
        {"blind_after_blind_timeout_only_and_recovered_once",
         {obs(0, idle3()), fail(1), fail(5), tick(9), fail(10, {et::monitor_blind}), fail(11),
          tick(30), obs(31, idle3(), {et::monitor_recovered}), obs(32, idle3()), fail(33), tick(41),
          fail(42, {et::monitor_blind}), obs(44, idle3(), {et::monitor_recovered})}},
        {"blind_detected_by_tick",
         {obs(0, idle3()), fail(0), tick(9), tick(10, {et::monitor_blind}), tick(11)}},
        {"short_failures_never_blind",
         {obs(0, idle3()), fail(5), obs(9, idle3()), fail(15), fail(18), obs(19, idle3()),
          tick(100)}},
        {"no_stall_evaluated_while_polls_fail",
         {obs(0, three(up, "running", "running"), {et::upgrade_started}), fail(1), tick(9),
          tick(11, {et::monitor_blind}), tick(50),
          obs(51, three(up, "running", "running"), {et::monitor_recovered, et::upgrade_stalled})}},
    };
}

void run(const scenario& sc, bool restart_each_step) {
    tracker t(test_cluster(), test_options());
    for (std::size_t i = 0; i < sc.steps.size(); ++i) {
        const table_step& s = sc.steps[i];
        if (restart_each_step)
            t = restarted(t);
        std::vector<event> events;
        const wall_time now = t0 + s.when;
        switch (s.what) {
            case table_step::kind::observe:
                events = t.observe(s.snap, now).events;
                break;
            case table_step::kind::fail:
                events = t.poll_failed(auth_error(), now);
                break;
            case table_step::kind::tick:
                events = t.tick(now);
                break;
        }
        EXPECT_EQ(types(events), s.expect)
            << sc.name << ": step " << i << " at minute " << s.when.count();
        for (const event& e : events) {
            EXPECT_EQ(e.id.size(), 64u);
            EXPECT_EQ(e.occurred_at, now);
            EXPECT_EQ(e.cluster, test_cluster());
            EXPECT_FALSE(e.summary.empty());
        }
    }
}

class tracker_table_test : public ::testing::TestWithParam<scenario> {};

TEST_P(tracker_table_test, emits_exactly_the_expected_events) {
    run(GetParam(), false);
}

// Restart (state → JSON → new tracker) before every step must not change what is emitted,
// except blindness timing, which after a restart counts from the first failure: the
// scenarios above keep failures in one process or start them right after a success.
TEST_P(tracker_table_test, emits_the_same_with_a_restart_before_every_step) {
    run(GetParam(), true);
}

INSTANTIATE_TEST_SUITE_P(spec_rows, tracker_table_test, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<scenario>& param_info) {
                             return param_info.param.name;
                         });

}  // namespace
}  // namespace sesmon::monitor
