// The expected finish (SPEC §4, ETA) on recorded timelines: the seed example, uneven roles,
// one very slow node; and where the typical node time comes from.
#include <gtest/gtest.h>

#include "monitor/eta.hpp"
#include "recorded_upgrade.hpp"

namespace sesmon::monitor::testing {
namespace {

// config/scenarios/seed.yaml: the documented cluster000, 8 nodes in the documented order,
// each through Upgrade_OpenSearch 77 s, Upgrade_Dashboards 20 s, Upgrade_Plugin 10 s.
recorded_upgrade seed_upgrade() {
    std::vector<planned_node> nodes;
    for (const auto& [host, role] :
         std::vector<std::pair<std::string, std::string>>{{"cluster000-mo-6tnk", "MO"},
                                                          {"cluster000-mo-6tnl", "MO"},
                                                          {"cluster000-do-6tnm", "DO"},
                                                          {"cluster000-do-6tnn", "DO"},
                                                          {"cluster000-do-6tno", "DO"},
                                                          {"cluster000-m-6tnh", "M"},
                                                          {"cluster000-m-6tni", "M"},
                                                          {"cluster000-mo-6tnj", "MO"}}) {
        nodes.push_back(
            {host,
             role,
             {{"Upgrade_OpenSearch", 77s}, {"Upgrade_Dashboards", 20s}, {"Upgrade_Plugin", 10s}}});
    }
    return recorded_upgrade(std::move(nodes), at(0min));
}

long long seconds_off(std::optional<wall_time> eta, wall_time truth) {
    EXPECT_TRUE(eta.has_value());
    return eta ? std::abs((*eta - truth).count()) : 1'000'000;
}

TEST(eta_test, seed_upgrade_converges_once_nodes_complete) {
    tracker t(test_cluster(), test_options());
    auto plan = seed_upgrade();
    ASSERT_EQ(plan.finish(), at(0min) + 8 * 107s);
    plan.play(t, at(0min));
    // Nothing known yet: eta.node_prior (12 min) for each of the 8 nodes, the first of
    // which has just begun.
    EXPECT_EQ(t.expected_finish(at(0min)), at(0min) + 8 * 12min);
    // After two nodes: 107 s each, measured to the poll (30 s apart).
    plan.play(t, at(0min) + 2 * 107s + 30s);
    const wall_time now = at(0min) + 2 * 107s + 30s;
    EXPECT_LE(seconds_off(t.expected_finish(now), plan.finish()), 30);
    // Halfway and near the end it stays within one poll interval.
    for (int done : {4, 7}) {
        const wall_time later = at(0min) + done * 107s + 30s;
        plan.play(t, later);
        EXPECT_LE(seconds_off(t.expected_finish(later), plan.finish()), 30) << done << " done";
    }
}

TEST(eta_test, events_of_an_upgrade_in_progress_carry_it) {
    tracker t(test_cluster(), test_options());
    const auto plan = seed_upgrade();
    const auto first = t.observe(plan.at(at(0min)), at(0min));
    ASSERT_EQ(first.events.size(), 1u);
    EXPECT_EQ(first.events[0].upgrade->expected_finish, at(0min) + 8 * 12min);
    std::vector<event> finished;
    for (wall_time now = at(0min); now <= plan.finish() + 30s; now += 30s) {
        for (auto& e : t.observe(plan.at(now), now).events) {
            if (e.type == event_type::upgrade_finished)
                finished.push_back(std::move(e));
        }
    }
    ASSERT_EQ(finished.size(), 1u);
    EXPECT_EQ(finished[0].upgrade->expected_finish, std::nullopt);  // not in progress any more
    EXPECT_EQ(t.expected_finish(plan.finish() + 1min), std::nullopt);
}

TEST(eta_test, the_seed_response_at_first_sight_uses_the_prior) {
    // The documented response (tests/fixtures/seed_response.json) as the daemon's first
    // poll: mo-6tnk complete (its start unseen: no sample), mo-6tnl in Upgrade_OpenSearch
    // since 17:11:28, six nodes running.
    const wall_time action = at(9min) + 41s;  // 2025-03-24 17:09:41
    const wall_time updated = at(11min) + 28s;
    snap_builder b("2140", "2150", action);
    b.node("cluster000-mo-6tnk", "complete", updated, "MO");
    b.node("cluster000-mo-6tnl", "Upgrade_OpenSearch", updated, "MO");
    for (const char* host : {"do-6tnm", "do-6tnn", "do-6tno", "m-6tnh", "m-6tni", "mo-6tnj"})
        b.node(std::string("cluster000-") + host, "running", at(-30min), "D");
    tracker t(test_cluster(), test_options());
    const wall_time now = updated + 2min;
    t.observe(b, now);
    EXPECT_EQ(t.expected_finish(now), now + 6 * 12min + (12min - 2min));
    // With this cluster's history saying 107 s per node, that is what counts instead.
    node_time_medians history;
    history.overall = 107s;
    t.set_history(history);
    EXPECT_EQ(t.expected_finish(now), now + 6 * 107s);  // mo-6tnl: 2 min in, 0 s left
}

TEST(eta_test, uneven_roles_use_their_own_median) {
    // Masters take 2 min, data nodes 10 min; masters go first.
    recorded_upgrade plan(
        {simple_node("m1", 1min, "M"), simple_node("m2", 1min, "M"), simple_node("m3", 1min, "M"),
         simple_node("d1", 9min, "D"), simple_node("d2", 9min, "D"), simple_node("d3", 9min, "D")},
        at(0min));
    ASSERT_EQ(plan.finish(), at(36min));
    tracker t(test_cluster(), test_options());
    // m1, m2 complete (M has two samples: 2 min); m3 next. No D sample: D nodes take the
    // overall median, 2 min — an underestimate that the first data nodes correct.
    plan.play(t, at(4min) + 30s);
    // m3 is 30 s into its 2 min.
    EXPECT_EQ(t.expected_finish(at(4min) + 30s), at(4min) + 30s + 90s + 3 * 2min);
    // Three masters and two data nodes done: M 2 min, D 10 min each; d3 is 30 s in.
    plan.play(t, at(26min) + 30s);
    EXPECT_LE(seconds_off(t.expected_finish(at(26min) + 30s), plan.finish()), 30);
}

TEST(eta_test, one_very_slow_node_does_not_skew_the_rest) {
    // Six nodes of 3 min; n2 takes 30 min. The median of the complete nodes stays 3 min.
    const auto make = [] {
        return recorded_upgrade(
            {simple_node("n1", 2min), simple_node("n2", 29min), simple_node("n3", 2min),
             simple_node("n4", 2min), simple_node("n5", 2min), simple_node("n6", 2min)},
            at(0min));
    };
    auto plan = make();
    ASSERT_EQ(plan.finish(), at(45min));
    tracker t(test_cluster(), test_options());
    plan.play(t, at(36min) + 30s);  // n1, n2 and n3 complete (3, 30, 3 min); n4 30 s in
    EXPECT_LE(seconds_off(t.expected_finish(at(36min) + 30s), plan.finish()), 30);
    // While n2 is still slow, n1's time is what is expected of it and of the rest: its
    // remaining time cannot go below 0, the rest take 3 min each.
    tracker early(test_cluster(), test_options());
    auto early_plan = make();
    early_plan.play(early, at(20min));
    EXPECT_EQ(early.expected_finish(at(20min)), at(20min) + 4 * 3min);
}

TEST(eta_test, nodes_the_api_counts_but_does_not_list_count_as_not_started) {
    tracker t(test_cluster(), test_options());
    t.observe(snap_builder().node("a", "Upgrade_OpenSearch", at(0min)).count(3), at(0min));
    EXPECT_EQ(t.expected_finish(at(0min)), at(0min) + 3 * 12min);
}

TEST(eta_test, medians_per_role_need_two_samples) {
    const auto m = medians_of({{"M", 2min}, {"M", 4min}, {"D", 10min}});
    EXPECT_EQ(m.overall, 4min);
    EXPECT_EQ(m.typical("M"), 3min);
    EXPECT_EQ(m.typical("D"), 4min);  // one D sample: the overall median
    EXPECT_EQ(m.typical("MO"), 4min);
    EXPECT_TRUE(medians_of({}).empty());
}

}  // namespace
}  // namespace sesmon::monitor::testing
