// OpenSearch version numbers from codes and names, and the rolling-upgrade rule; and the
// small helpers of sesmon/opensearch.hpp.
#include "common/engine_version.hpp"

#include <gtest/gtest.h>

#include "sesmon/opensearch.hpp"

namespace sesmon::common {
namespace {

engine_version_number v(int a, int b, int c) {
    return {a, b, c};
}

TEST(engine_version_test, codes_and_names_parse) {
    EXPECT_EQ(parse_engine_version("2140"), v(2, 14, 0));
    EXPECT_EQ(parse_engine_version("2190"), v(2, 19, 0));
    EXPECT_EQ(parse_engine_version("3010"), v(3, 1, 0));
    EXPECT_EQ(parse_engine_version("21510"), v(2, 15, 10));
    EXPECT_EQ(parse_engine_version("130"), v(1, 3, 0));
    EXPECT_EQ(parse_engine_version("2.15.0"), v(2, 15, 0));
    EXPECT_EQ(parse_engine_version("OpenSearch 2.19.1"), v(2, 19, 1));
    EXPECT_EQ(parse_engine_version("v3.0"), v(3, 0, 0));
    EXPECT_FALSE(parse_engine_version(""));
    EXPECT_FALSE(parse_engine_version("OpenSearch"));
    EXPECT_FALSE(parse_engine_version("12345678"));
    EXPECT_EQ(v(2, 19, 0).text(), "2.19.0");
}

TEST(engine_version_test, rolling_upgrades_go_to_newer_versions_of_adjacent_majors) {
    EXPECT_EQ(rolling_upgrade_refusal(v(2, 14, 0), v(2, 15, 0)), "");
    EXPECT_EQ(rolling_upgrade_refusal(v(2, 14, 0), v(2, 19, 0)), "");
    EXPECT_EQ(rolling_upgrade_refusal(v(2, 19, 0), v(3, 1, 0)), "");
    EXPECT_EQ(rolling_upgrade_refusal(v(1, 3, 0), v(2, 11, 0)), "");
    EXPECT_EQ(rolling_upgrade_refusal(v(2, 15, 0), v(2, 15, 0)), "2.15.0 is not newer than 2.15.0");
    EXPECT_EQ(rolling_upgrade_refusal(v(2, 15, 0), v(2, 14, 0)), "2.14.0 is not newer than 2.15.0");
    EXPECT_EQ(rolling_upgrade_refusal(v(2, 17, 0), v(3, 1, 0)),
              "3.x needs 2.19.0 or later first (2.17.0 → 3.1.0)");
    EXPECT_EQ(rolling_upgrade_refusal(v(1, 2, 0), v(2, 0, 0)),
              "2.x needs 1.3.0 or later first (1.2.0 → 2.0.0)");
    EXPECT_EQ(rolling_upgrade_refusal(v(1, 3, 0), v(3, 1, 0)),
              "a rolling upgrade goes between adjacent major versions only (1.3.0 → 3.1.0 skips "
              "a major)");
}

TEST(opensearch_values_test, recoveries_sum_up_by_bytes_else_by_percent) {
    EXPECT_EQ(summarize_recoveries({}), (recovery_summary{0, 0}));
    shard_recovery a;
    a.bytes_total = 100;
    a.bytes_recovered = 50;
    a.bytes_percent = 50;
    shard_recovery b;
    b.bytes_total = 300;
    b.bytes_recovered = 0;
    b.bytes_percent = 0;
    EXPECT_EQ(summarize_recoveries({a, b}), (recovery_summary{2, 12.5}));
    a.bytes_total = b.bytes_total = 0;  // sizes unknown: the mean of the percentages
    EXPECT_EQ(summarize_recoveries({a, b}), (recovery_summary{2, 25}));
}

TEST(opensearch_values_test, a_fingerprint_changes_when_and_only_when_a_recovery_moves) {
    EXPECT_EQ(recovery_fingerprint({}), 0u);
    shard_recovery a{"logs", "0", "index", "n1", 10, 100, 1000, 1, 0};
    shard_recovery b{"logs", "1", "index", "n1", 20, 200, 1000, 2, 0};
    const auto both = recovery_fingerprint({a, b});
    EXPECT_NE(both, 0u);
    EXPECT_EQ(recovery_fingerprint({b, a}), both);  // order does not matter
    shard_recovery moved = b;
    moved.bytes_recovered = 201;
    EXPECT_NE(recovery_fingerprint({a, moved}), both);
    shard_recovery staged = b;
    staged.stage = "translog";
    EXPECT_NE(recovery_fingerprint({a, staged}), both);
    EXPECT_NE(recovery_fingerprint({a}), both);  // one finished
}

TEST(opensearch_values_test, api_hostnames_find_their_opensearch_node) {
    const std::vector<opensearch_node> nodes{{"Logs-D-1", "2.15.0"},
                                             {"logs-d-2.internal", "2.14.0"}};
    ASSERT_NE(find_opensearch_node(nodes, "logs-d-1"), nullptr);
    EXPECT_EQ(find_opensearch_node(nodes, "logs-d-1")->version, "2.15.0");
    ASSERT_NE(find_opensearch_node(nodes, "logs-d-2"), nullptr);
    EXPECT_EQ(find_opensearch_node(nodes, "logs-d-2")->version, "2.14.0");
    EXPECT_EQ(find_opensearch_node(nodes, "logs-d"), nullptr);
    EXPECT_EQ(find_opensearch_node(nodes, "logs-d-3"), nullptr);
}

}  // namespace
}  // namespace sesmon::common
