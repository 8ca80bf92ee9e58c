#include "sim/scenario.hpp"

#include <gtest/gtest.h>

#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

using test::kst;

std::string error_of(const std::string& yaml) {
    try {
        parse_scenario(yaml, "bad.yaml", kst("2025-03-24 17:00:00"));
    } catch (const scenario_error& e) {
        return e.what();
    }
    return "(no error)";
}

const char* minimal = R"(clusters:
  - name: c1
    instance_no: "1"
    version: "2140"
    nodes:
      - {hostname: h1, role: D}
)";

TEST(scenario_test, minimal_scenario_parses_with_defaults) {
    auto s = parse_scenario(minimal, "ok.yaml", kst("2025-03-24 17:00:00"));
    ASSERT_EQ(s.clusters.size(), 1u);
    EXPECT_EQ(s.start, kst("2025-03-24 17:00:00"));
    EXPECT_EQ(s.clusters[0].region, "KR");
    EXPECT_EQ(s.clusters[0].idle, idle_variant::empty_list);
    EXPECT_FALSE(s.clusters[0].upgrade.has_value());
    EXPECT_FALSE(s.region_no_required);
}

TEST(scenario_test, unknown_key_is_reported_with_line_and_column) {
    std::string yaml = std::string(minimal) + "    colour: blue\n";
    EXPECT_EQ(error_of(yaml), "bad.yaml:7:5: unknown key \"colour\" in cluster");
}

TEST(scenario_test, bad_duration_is_reported_at_the_value) {
    std::string yaml = std::string(minimal) + R"(    upgrade:
      start: "+10s"
      target_version: "2150"
      stages:
        - {name: Upgrade_OpenSearch, duration: soon}
)";
    EXPECT_EQ(error_of(yaml), "bad.yaml:11:48: bad duration \"soon\" (use 90s, 5m, 1h30m)");
}

TEST(scenario_test, yaml_syntax_error_names_file_line_and_column) {
    auto message = error_of("clusters:\n  - name: [unclosed\n");
    EXPECT_EQ(message.rfind("bad.yaml:", 0), 0u) << message;
    EXPECT_NE(message.find(":3:"), std::string::npos) << message;
}

TEST(scenario_test, empty_file_is_rejected) {
    EXPECT_EQ(error_of(""), "bad.yaml:1:1: empty scenario (needs a \"clusters\" list)");
}

TEST(scenario_test, order_naming_unknown_node_is_rejected) {
    std::string yaml = std::string(minimal) + R"(    upgrade:
      start: "+10s"
      target_version: "2150"
      order: [h1, ghost]
      stages: [{name: Upgrade_OpenSearch, duration: 1m}]
)";
    EXPECT_EQ(error_of(yaml), "bad.yaml:10:19: order names unknown node \"ghost\"");
}

TEST(scenario_test, missing_required_key_and_bad_choice_are_rejected) {
    EXPECT_EQ(error_of("clusters:\n  - name: x\n"), "bad.yaml:2:5: cluster needs \"instance_no\"");
    std::string yaml = std::string(minimal) + "    idle_response: sometimes\n";
    EXPECT_EQ(error_of(yaml),
              "bad.yaml:7:20: \"sometimes\" is not one of: empty_list, missing_list, "
              "null_version, service_error, service_error_200");
}

TEST(scenario_test, fault_with_unknown_kind_is_rejected) {
    std::string yaml = std::string(minimal) + "faults:\n  - {kind: meteor}\n";
    EXPECT_EQ(error_of(yaml), "bad.yaml:8:12: unknown fault kind \"meteor\"");
}

TEST(scenario_test, time_specs_resolve_against_start) {
    std::string yaml = "start: \"2025-03-24 17:00:00\"\n" + std::string(minimal) +
                       R"(    upgrade:
      start: "+9m41s"
      target_version: "2150"
      stages: [{name: Upgrade_OpenSearch, duration: 1m}]
faults:
  - {kind: rate_limit, from: "-1m", until: "2025-03-24T08:30:00Z"}
)";
    auto s = parse_scenario(yaml, "t.yaml", kst("2030-01-01 00:00:00"));
    EXPECT_EQ(s.start, kst("2025-03-24 17:00:00"));
    EXPECT_EQ(s.clusters[0].upgrade->start, kst("2025-03-24 17:09:41"));
    EXPECT_EQ(s.faults.at(0).from, kst("2025-03-24 16:59:00"));
    EXPECT_EQ(s.faults.at(0).until, kst("2025-03-24 17:30:00"));
}

TEST(scenario_test, shipped_scenarios_load) {
    for (const char* name :
         {"seed.yaml", "demo.yaml", "faults.yaml", "features.yaml", "slow-node.yaml"}) {
        auto path = std::string(SESMON_SOURCE_DIR) + "/config/scenarios/" + name;
        EXPECT_NO_THROW(load_scenario_file(path, kst("2025-03-24 17:00:00"))) << name;
    }
}

TEST(scenario_test, generated_clusters_have_unique_instance_numbers) {
    scenario s;
    s.start = kst("2025-03-24 17:00:00");
    add_generated_clusters(s, 1000);
    std::set<std::string> seen;
    for (const auto& c : s.clusters)
        seen.insert(c.instance_no);
    EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace sesmon::sim
