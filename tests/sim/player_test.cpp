#include "sim/player.hpp"

#include <gtest/gtest.h>

#include "sim/render.hpp"
#include "sim/sim_time.hpp"
#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

using std::chrono::seconds;
using test::kst;

const wall_time t0 = kst("2025-03-24 17:00:00");

// Three nodes, upgrade at +60s, each node 100 s (OpenSearch 70 s + Plugin 30 s), gap 10 s.
std::string three_nodes(const std::string& extra_upgrade = "", const std::string& extra = "") {
    return R"(clusters:
  - name: c1
    instance_no: "1"
    version: "2140"
)" + extra +
           R"(    nodes:
      - {hostname: a, role: M, updated: "-1h"}
      - {hostname: b, role: D}
      - {hostname: c, role: D}
    upgrade:
      start: "+60s"
      target_version: "2150"
      gap: 10s
      stages:
        - {name: Upgrade_OpenSearch, duration: 70s}
        - {name: Upgrade_Plugin, duration: 30s}
)" + extra_upgrade;
}

cluster_view at(const std::string& yaml, long long offset_seconds) {
    auto s = test::scenario_from(yaml, t0);
    return play(s.clusters.at(0), t0 + seconds(offset_seconds));
}

std::vector<std::string> statuses(const cluster_view& v) {
    std::vector<std::string> out;
    for (const auto& n : v.nodes)
        out.push_back(n.status);
    return out;
}

TEST(player_test, before_the_upgrade_the_cluster_is_idle_at_its_version) {
    auto v = at(three_nodes(), 59);
    EXPECT_EQ(v.phase, cluster_phase::idle);
    EXPECT_FALSE(v.shows_upgrade);
    EXPECT_EQ(v.version_code, "2140");
    EXPECT_EQ(v.cluster_status, "running");
}

TEST(player_test, rolling_upgrade_moves_node_by_node_through_stages) {
    auto yaml = three_nodes();
    EXPECT_EQ(statuses(at(yaml, 60)),
              (std::vector<std::string>{"Upgrade_OpenSearch", "running", "running"}));
    auto v = at(yaml, 60 + 75);
    EXPECT_EQ(statuses(v), (std::vector<std::string>{"Upgrade_Plugin", "running", "running"}));
    EXPECT_EQ(v.nodes[0].updated_text, "2025-03-24 17:02:10");  // entered Plugin at +130s
    EXPECT_EQ(v.nodes[1].updated_text, "2025-03-24 16:00:00");  // default: start - 1h
    // a completes at +160, gap 10 s: b starts at +170.
    EXPECT_EQ(statuses(at(yaml, 165)),
              (std::vector<std::string>{"complete", "running", "running"}));
    v = at(yaml, 171);
    EXPECT_EQ(statuses(v), (std::vector<std::string>{"complete", "Upgrade_OpenSearch", "running"}));
    EXPECT_EQ(v.phase, cluster_phase::upgrading);
    EXPECT_EQ(v.cluster_status, "changing");
    EXPECT_EQ(v.version_code, "2140");
    EXPECT_EQ(format_kst(*v.action_date), "2025-03-24 17:01:00");
}

TEST(player_test, completed_upgrade_stays_complete_and_switches_version) {
    auto v = at(three_nodes(), 60 + 3 * 100 + 2 * 10);
    EXPECT_EQ(statuses(v), (std::vector<std::string>{"complete", "complete", "complete"}));
    EXPECT_EQ(v.phase, cluster_phase::complete);
    EXPECT_TRUE(v.shows_upgrade);
    EXPECT_EQ(v.version_code, "2150");
    EXPECT_EQ(v.cluster_status, "running");
    EXPECT_EQ(v.nodes[2].updated_text, "2025-03-24 17:06:20");
    EXPECT_EQ(at(three_nodes(), 60 + 3 * 100 + 2 * 10 - 1).phase, cluster_phase::upgrading);
}

TEST(player_test, completed_upgrade_can_go_idle_at_the_new_version) {
    auto yaml = three_nodes("      after_complete: idle\n      idle_after: 5m\n");
    EXPECT_EQ(at(yaml, 380 + 299).phase, cluster_phase::complete);
    auto v = at(yaml, 380 + 300);
    EXPECT_EQ(v.phase, cluster_phase::idle);
    EXPECT_FALSE(v.shows_upgrade);
    EXPECT_EQ(v.current_version, "2150");
    EXPECT_EQ(v.target_version, "2150");
}

TEST(player_test, node_stuck_for_a_while_then_continues) {
    auto yaml = three_nodes(R"(      nodes:
        b: {stuck: {stage: Upgrade_OpenSearch, for: 10m}}
)");
    // b enters OpenSearch at +170; planned end +240; stuck until +840.
    EXPECT_EQ(at(yaml, 239).phase, cluster_phase::upgrading);
    auto v = at(yaml, 500);
    EXPECT_EQ(v.phase, cluster_phase::stuck);
    EXPECT_EQ(statuses(v), (std::vector<std::string>{"complete", "Upgrade_OpenSearch", "running"}));
    EXPECT_EQ(v.nodes[1].updated_text, "2025-03-24 17:02:50");
    EXPECT_EQ(statuses(at(yaml, 841)),
              (std::vector<std::string>{"complete", "Upgrade_Plugin", "running"}));
}

TEST(player_test, node_stuck_forever_blocks_the_rest) {
    auto yaml = three_nodes(R"(      nodes:
        b: {stuck: {stage: Upgrade_Plugin, for: forever}}
)");
    auto v = at(yaml, 100000);
    EXPECT_EQ(v.phase, cluster_phase::stuck);
    EXPECT_EQ(statuses(v), (std::vector<std::string>{"complete", "Upgrade_Plugin", "running"}));
}

TEST(player_test, failed_node_shows_its_failure_word_and_stops_the_upgrade) {
    auto yaml = three_nodes(R"(      nodes:
        b: {fail: {stage: Upgrade_OpenSearch, after: 30s, status: Upgrade_Failed}}
)");
    EXPECT_EQ(at(yaml, 199).nodes[1].status, "Upgrade_OpenSearch");
    auto v = at(yaml, 5000);
    EXPECT_EQ(v.phase, cluster_phase::failed);
    EXPECT_EQ(v.cluster_status, "error");
    EXPECT_EQ(statuses(v), (std::vector<std::string>{"complete", "Upgrade_Failed", "running"}));
    EXPECT_EQ(v.nodes[1].updated_text, "2025-03-24 17:03:20");
}

TEST(player_test, vanished_upgrade_turns_idle_at_the_old_version) {
    auto yaml = three_nodes("      vanish_after: 2m\n");
    EXPECT_TRUE(at(yaml, 60 + 119).shows_upgrade);
    auto v = at(yaml, 60 + 120);
    EXPECT_EQ(v.phase, cluster_phase::vanished);
    EXPECT_FALSE(v.shows_upgrade);
    EXPECT_EQ(v.version_code, "2140");
}

TEST(player_test, replaced_node_appears_under_its_new_hostname) {
    auto yaml = three_nodes(R"(      nodes:
        b: {replaced_by: {hostname: b-new, at_stage: Upgrade_Plugin}}
)");
    EXPECT_EQ(at(yaml, 200).nodes[1].hostname, "b");
    EXPECT_EQ(at(yaml, 241).nodes[1].hostname, "b-new");
    EXPECT_EQ(at(yaml, 5000).nodes[1].hostname, "b-new");
    EXPECT_EQ(at(yaml, 5000).nodes[1].status, "complete");
}

TEST(player_test, custom_status_words_and_stage_names_are_shown_verbatim) {
    auto yaml = three_nodes("", "    pending_word: RUNNING\n    complete_word: Completed\n");
    yaml += "      nodes:\n        a: {stages: [{name: Upgrade_Mystery, duration: 10s}]}\n";
    EXPECT_EQ(statuses(at(yaml, 65)),
              (std::vector<std::string>{"Upgrade_Mystery", "RUNNING", "RUNNING"}));
    EXPECT_EQ(statuses(at(yaml, 85)),
              (std::vector<std::string>{"Completed", "Upgrade_OpenSearch", "RUNNING"}));
}

TEST(player_test, updated_date_anomalies_are_rendered) {
    auto future = at(three_nodes("", "    updated_date: future\n"), 100);
    EXPECT_EQ(future.nodes[0].updated_text, "2025-03-24 18:01:40");  // now + 1h
    auto bad = at(three_nodes("", "    updated_date: unparsable\n"), 100);
    EXPECT_EQ(bad.nodes[0].updated_text, "24/03/2025 17:09");
}

TEST(player_test, idle_variants_render_as_documented) {
    auto render = [](const std::string& variant) {
        auto s = test::scenario_from(three_nodes("", "    idle_response: " + variant + "\n"), t0);
        return render_progress_result(s.clusters[0], play(s.clusters[0], t0));
    };
    EXPECT_EQ(render("empty_list"),
              R"({"name":"c1","nodeCount":3,"versionVo":{"currentVersionCode":"2140",)"
              R"("targetVersionCode":"2140","actionDate":null},"nodeStatusVoList":[]})");
    EXPECT_EQ(render("missing_list"),
              R"({"name":"c1","nodeCount":3,"versionVo":{"currentVersionCode":"2140",)"
              R"("targetVersionCode":"2140","actionDate":null}})");
    EXPECT_EQ(render("null_version"),
              R"({"name":"c1","nodeCount":3,"versionVo":null,"nodeStatusVoList":[]})");
}

// The documented example (shared/seed/getRollingUpgradeProgress.txt), node by node.
TEST(player_test, seed_scenario_reproduces_the_documented_example) {
    // actionDate is start + 10 s: start the scenario at 17:09:31 KST.
    auto s = load_scenario_file(std::string(SESMON_SOURCE_DIR) + "/config/scenarios/seed.yaml",
                                kst("2025-03-24 17:09:31"));
    ASSERT_EQ(s.clusters.size(), 1u);
    auto v = play(s.clusters[0], kst("2025-03-24 17:12:00"));
    struct expected_node {
        const char *hostname, *status, *role, *updated;
    };
    const expected_node documented[] = {
        {"cluster000-mo-6tnk", "complete", "MO", "2025-03-24 17:11:28"},
        {"cluster000-mo-6tnl", "Upgrade_OpenSearch", "MO", "2025-03-24 17:11:28"},
        {"cluster000-do-6tnm", "running", "DO", "2025-03-24 16:35:53"},
        {"cluster000-do-6tnn", "running", "DO", "2025-03-24 16:35:59"},
        {"cluster000-do-6tno", "running", "DO", "2025-03-24 16:36:06"},
        {"cluster000-m-6tnh", "running", "M", "2025-03-24 16:36:16"},
        {"cluster000-m-6tni", "running", "M", "2025-03-24 16:36:21"},
        {"cluster000-mo-6tnj", "running", "MO", "2025-03-24 16:36:11"},
    };
    EXPECT_EQ(s.clusters[0].name, "cluster000");
    EXPECT_EQ(s.clusters[0].instance_no, "1037001");
    EXPECT_EQ(v.current_version, "2140");
    EXPECT_EQ(v.target_version, "2150");
    EXPECT_EQ(format_kst(*v.action_date), "2025-03-24 17:09:41");
    ASSERT_EQ(v.nodes.size(), 8u);
    for (std::size_t i = 0; i < 8; ++i) {
        EXPECT_EQ(v.nodes[i].hostname, documented[i].hostname) << i;
        EXPECT_EQ(v.nodes[i].status, documented[i].status) << i;
        EXPECT_EQ(v.nodes[i].role, documented[i].role) << i;
        EXPECT_EQ(v.nodes[i].updated_text, documented[i].updated) << i;
    }
}

// The demo plays in real time (docs/demo.md): the seed upgrade runs from 5 s to 45 s, and
// stuck-logs' second node is in Upgrade_OpenSearch from 9 s on, past the demo's 20 s
// node_stage_timeout by 29 s.
TEST(player_test, demo_scenario_finishes_in_45_seconds_and_stays_stuck) {
    auto s = load_scenario_file(std::string(SESMON_SOURCE_DIR) + "/config/scenarios/demo.yaml", t0);
    EXPECT_NE(play(s.clusters[0], t0 + seconds(44)).phase, cluster_phase::complete);
    EXPECT_EQ(play(s.clusters[0], t0 + seconds(45)).phase, cluster_phase::complete);
    auto stuck = play(s.clusters[1], t0 + seconds(29));
    EXPECT_EQ(stuck.phase, cluster_phase::stuck);
    EXPECT_EQ(stuck.nodes[1].status, "Upgrade_OpenSearch");
    EXPECT_EQ(stuck.nodes[0].status, "complete");
    stuck = play(s.clusters[1], t0 + seconds(3600));
    EXPECT_EQ(stuck.nodes[1].status, "Upgrade_OpenSearch");
}

// config/scenarios/slow-node.yaml: nodes of 3 min, slow-node-d-3 40 min in
// Upgrade_OpenSearch, from 7 min to 47 min; the upgrade finishes at 54 min.
TEST(player_test, slow_node_scenario_has_one_node_much_slower_than_its_peers) {
    auto s =
        load_scenario_file(std::string(SESMON_SOURCE_DIR) + "/config/scenarios/slow-node.yaml", t0);
    auto at17 = play(s.clusters[0], t0 + std::chrono::minutes(17));
    EXPECT_EQ(at17.nodes[0].status, "complete");
    EXPECT_EQ(at17.nodes[1].status, "complete");
    EXPECT_EQ(at17.nodes[2].status, "Upgrade_OpenSearch");
    EXPECT_EQ(at17.nodes[3].status, "running");
    EXPECT_EQ(play(s.clusters[0], t0 + std::chrono::minutes(47)).nodes[2].status, "Upgrade_Plugin");
    EXPECT_NE(play(s.clusters[0], t0 + std::chrono::minutes(54) - seconds(1)).phase,
              cluster_phase::complete);
    EXPECT_EQ(play(s.clusters[0], t0 + std::chrono::minutes(54)).phase, cluster_phase::complete);
    // The demo's slow-logs: 5 s nodes, the third 60 s in Upgrade_OpenSearch from 15 s on.
    auto demo =
        load_scenario_file(std::string(SESMON_SOURCE_DIR) + "/config/scenarios/demo.yaml", t0);
    ASSERT_EQ(demo.clusters.size(), 4u);  // the third is slow-logs; search-eu (discovery) last
    ASSERT_EQ(demo.clusters[2].name, "slow-logs");
    auto slow = play(demo.clusters[2], t0 + seconds(25));
    EXPECT_EQ(slow.nodes[2].status, "Upgrade_OpenSearch");
    EXPECT_EQ(slow.nodes[1].status, "complete");
    EXPECT_EQ(play(demo.clusters[2], t0 + seconds(85)).phase, cluster_phase::complete);
}

}  // namespace
}  // namespace sesmon::sim
