// The seed scenario end to end: the real daemon against the real simulator, virtual time
// frozen and moved stage by stage with POST /_sim/advance.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "harness.hpp"

namespace sesmon::daemon_test {
namespace {

// Virtual offsets (seconds from the scenario start) in the middle of every stage of every
// node: node i runs Upgrade_OpenSearch [10+107i, 87+107i), Upgrade_Dashboards until
// 107+107i, Upgrade_Plugin until 117+107i; then it is complete.
std::vector<int> stage_midpoints() {
    std::vector<int> t;
    for (int i = 0; i < 8; ++i) {
        t.push_back(10 + 107 * i + 38);
        t.push_back(87 + 107 * i + 10);
        t.push_back(107 + 107 * i + 5);
    }
    t.push_back(10 + 856 + 5);
    return t;
}

struct seed_run {
    temp_dir dir;
    simulator sim{dir.path(), "tests/daemon/scenarios/seed_past.yaml", 0};
    fs::path config = dir.path() / "config.yaml";

    seed_run() {
        daemon_spec spec;
        spec.endpoint = sim.url();
        spec.clusters = {{"cluster000", "1037001", ""}};
        write_text(config, daemon_config(spec, dir.path()));
    }
    // Advances through `points` (absolute virtual offsets), waiting for two successful
    // polls after each step so the daemon has seen every state.
    void walk(daemon_process& d, const std::vector<int>& points, int& at) {
        for (int p : points) {
            sim.advance(p - at);
            at = p;
            ASSERT_TRUE(d.wait_polls("cluster000", 2)) << "no polls after advancing to " << p;
        }
    }
};

TEST(daemon_seed_test, seed_upgrade_emits_started_every_transition_and_one_finished) {
    seed_run run;
    daemon_process d(run.config, run.dir.path() / "daemon.log");
    ASSERT_TRUE(d.wait_polls("cluster000", 2));
    int at = 0;
    run.walk(d, stage_midpoints(), at);
    ASSERT_TRUE(wait_until(
        [&] { return count(emitted_events(d.log_text()), "upgrade_finished") >= 1; }, 5s));
    EXPECT_EQ(d.stop(), 0);

    const auto log = d.log_text();
    const auto events = emitted_events(log);
    EXPECT_EQ(count(events, "upgrade_started"), 1u);
    EXPECT_EQ(count(events, "upgrade_finished"), 1u);
    // 8 nodes × 4 transitions (running → OpenSearch → Dashboards → Plugin → complete),
    // except the first node's first one, which happened before the first poll that showed
    // the upgrade (it is part of upgrade_started).
    EXPECT_EQ(count(events, "node_changed"), 31u);
    EXPECT_EQ(count(events, "upgrade_stalled") + count(events, "upgrade_failed") +
                  count(events, "monitor_blind"),
              0u);
    std::set<std::string> ids;
    for (const auto& e : events)
        EXPECT_TRUE(ids.insert(e.id).second) << "twice: " << e.id;

    // Every node's transitions are named with the node.
    EXPECT_NE(log.find("node=cluster000-mo-6tnj"), std::string::npos);
}

// Played in real time at 60x from "now", the daemon measures the upgrade by its own clock
// (the simulator's dates run ahead of it and are ignored as future): 8 × 107 s / 60.
TEST(daemon_seed_test, upgrade_finished_carries_the_duration_the_upgrade_took) {
    temp_dir dir;
    simulator sim(dir.path(), "config/scenarios/seed.yaml", 60);
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"cluster000", "1037001", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    ASSERT_TRUE(wait_until(
        [&] { return count(emitted_events(d.log_text()), "upgrade_finished") >= 1; }, 40s));
    EXPECT_EQ(d.stop(), 0);
    const auto log = d.log_text();
    EXPECT_EQ(count(emitted_events(log), "upgrade_finished"), 1u);
    EXPECT_EQ(count(emitted_events(log), "upgrade_started"), 1u);
    const std::regex finished(R"(event=upgrade_finished .*upgrade finished in (\d+)s )");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(log, m, finished)) << log;
    const int took = std::stoi(m[1]);
    EXPECT_GE(took, 13);  // 856 s / 60 = 14.3 s, give or take a poll and a second of rounding
    EXPECT_LE(took, 16);
}

TEST(daemon_seed_test, restart_re_emits_nothing) {
    seed_run run;
    const auto points = stage_midpoints();
    int at = 0;
    std::size_t first_run_events = 0;
    {
        daemon_process d(run.config, run.dir.path() / "daemon1.log");
        ASSERT_TRUE(d.wait_polls("cluster000", 2));
        run.walk(d, {points[0], points[1], points[2], points[3]}, at);
        EXPECT_EQ(d.stop(), 0);
        first_run_events = emitted_events(d.log_text()).size();
        ASSERT_GE(first_run_events, 4u);
    }
    {
        // Same state, nothing moved: nothing to say.
        daemon_process d(run.config, run.dir.path() / "daemon2.log");
        ASSERT_TRUE(d.wait_polls("cluster000", 4));
        EXPECT_EQ(emitted_events(d.log_text()).size(), 0u) << d.log_text();
        // Progress after the restart is reported, once.
        run.walk(d, {points[4]}, at);
        EXPECT_EQ(d.stop(), 0);
        const auto events = emitted_events(d.log_text());
        EXPECT_EQ(count(events, "upgrade_started"), 0u);
        EXPECT_EQ(count(events, "node_changed"), 1u);  // do-6tnm: Dashboards → Plugin... one step
    }
}

}  // namespace
}  // namespace sesmon::daemon_test
