// `labels:` of clusters[] and discovery.defaults (SPEC §13): read into the value type, every
// broken rule reported at its own file:line:col, shown by check-config.
#include "config/load.hpp"
#include "config/summary.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using testing::error_of;
using testing::keys_environment;
using testing::one_cluster;

sesmon::config labels_parsed(const std::string& yaml) {
    return parse(yaml, "config.yaml", keys_environment());
}

TEST(labels_config_test, a_cluster_reads_its_labels_and_has_none_by_default) {
    const auto cfg = labels_parsed(R"(clusters:
  - name: prod-logs
    instance_no: "1037001"
    labels: {team: search, env: prod, tier: 1, owner: "검색팀"}
  - name: other
    instance_no: "1037002"
)");
    EXPECT_EQ(cfg.clusters[0].labels,
              (label_set{{"env", "prod"}, {"owner", "검색팀"}, {"team", "search"}, {"tier", "1"}}));
    EXPECT_TRUE(cfg.clusters[1].labels.empty());
}

TEST(labels_config_test, discovery_defaults_give_discovered_clusters_their_labels) {
    const auto cfg = labels_parsed(R"(discovery:
  enabled: true
  defaults:
    labels:
      team: search
      env: prod
)");
    // discovery_merge_test: the clusters discovery watches get them.
    EXPECT_EQ(cfg.discovery.labels, (label_set{{"env", "prod"}, {"team", "search"}}));
}

TEST(labels_config_test, a_bad_key_is_reported_at_the_key) {
    EXPECT_EQ(error_of(one_cluster + "    labels: {Team: search}\n"),
              "config.yaml:4:14: clusters[0].labels.Team: " + std::string(label_key_rule));
    EXPECT_EQ(error_of(one_cluster + "    labels: {cost-center: x}\n"),
              "config.yaml:4:14: clusters[0].labels.cost-center: " + std::string(label_key_rule));
}

TEST(labels_config_test, a_bad_value_is_reported_at_the_value) {
    EXPECT_EQ(error_of(one_cluster + "    labels: {team: \"a\\tb\"}\n"),
              "config.yaml:4:20: clusters[0].labels.team: " + std::string(label_value_rule));
    EXPECT_EQ(error_of(one_cluster + "    labels: {team: " + std::string(64, 'x') + "}\n"),
              "config.yaml:4:20: clusters[0].labels.team: " + std::string(label_value_rule));
    EXPECT_EQ(error_of(one_cluster + "    labels: {team: [a, b]}\n"),
              "config.yaml:4:20: clusters[0].labels.team: expected a string value (\"\" for an "
              "empty one)");
}

TEST(labels_config_test, labels_must_be_a_mapping_with_each_key_once) {
    EXPECT_EQ(error_of(one_cluster + "    labels: [team, search]\n"),
              "config.yaml:4:13: clusters[0].labels: expected a mapping of label keys to values, "
              "e.g. {team: search}");
    EXPECT_EQ(error_of("discovery:\n  enabled: true\n  defaults:\n    labels: oops\n"),
              "config.yaml:4:13: discovery.defaults.labels: expected a mapping of label keys to "
              "values, e.g. {team: search}");
}

TEST(labels_config_test, check_config_shows_the_labels) {
    const auto text = summarize(labels_parsed(
        one_cluster + "    labels: {team: search, env: prod}\n" +
        "discovery:\n  enabled: true\n  defaults:\n" + "    labels: {team: found}\n"));
    EXPECT_NE(text.find("    labels env=prod,team=search\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  discovered clusters: labels team=found\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace sesmon::config_file
