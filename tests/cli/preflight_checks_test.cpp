// The go / no-go decision of `preflight` (cli/preflight_checks.hpp) from given facts, and its
// two renderings.
#include "cli/preflight_checks.hpp"

#include <gtest/gtest.h>

#include "cli/preflight_view.hpp"

namespace sesmon::cli {
namespace {

using namespace std::chrono_literals;

const wall_time now = wall_time(std::chrono::seconds(1800000000));

std::vector<engine_version> offered() {
    return {{"2140", "OpenSearch 2.14.0", "", ""},
            {"2150", "OpenSearch 2.15.0", "", ""},
            {"2190", "OpenSearch 2.19.0", "", ""},
            {"3010", "OpenSearch 3.1.0", "", ""}};
}

// A healthy, running 2.14 cluster with a view, a snapshot 1 h old and the API saying yes.
preflight_facts ready() {
    preflight_facts f;
    f.cluster.name = "logs";
    f.cluster.instance_no = "1037001";
    f.cluster.region = "KR";
    f.cluster.opensearch = opensearch_config{};
    f.info = cluster_details{"1037001", "logs", "running", "2140", "", "admin", "9200", ""};
    f.versions = offered();
    f.precheck = precheck_verdict{true, "SUCCESS", "0"};
    cluster_reading r;
    r.health = "green";
    r.number_of_nodes = 3;
    f.reading = r;
    f.snapshots = std::vector<opensearch::snapshot_entry>{
        {"hourly-1", "repo", "SUCCESS", now - 62min, now - 60min}};
    f.now = now;
    return f;
}

preflight_report decide(const preflight_facts& f) {
    return judge(f,
                 choose_target(f.info ? f.info->version_code : "", offered(), f.requested_target));
}

TEST(preflight_checks_test, the_target_is_the_requested_one_or_the_newest_reachable) {
    const auto newest = choose_target("2140", offered(), std::nullopt);
    ASSERT_TRUE(newest.version);
    EXPECT_EQ(newest.version->code, "2190");  // not 3.1.0: 3.x needs 2.19 first
    EXPECT_EQ(choose_target("2190", offered(), std::nullopt).version->code, "3010");
    EXPECT_EQ(choose_target("2140", offered(), "2.15.0").version->code, "2150");
    EXPECT_EQ(choose_target("2140", offered(), "3010").version->code, "3010");  // judged later
    EXPECT_EQ(choose_target("2140", offered(), "2.16").problem,
              "2.16 is not among the versions offered (2.14.0 (2140), 2.15.0 (2150), 2.19.0 "
              "(2190), 3.1.0 (3010))");
    EXPECT_EQ(choose_target("3010", offered(), std::nullopt).problem,
              "no offered version is newer and reachable in one rolling upgrade from 3.1.0");
}

TEST(preflight_checks_test, everything_fine_is_go) {
    const auto r = decide(ready());
    EXPECT_EQ(r.verdict, "go");
    EXPECT_EQ(r.exit_code(), 0);
    EXPECT_TRUE(r.reasons.empty());
    EXPECT_EQ(r.current_name, "2.14.0");
    ASSERT_EQ(r.checks.size(), 6u);
    for (const auto& c : r.checks)
        EXPECT_EQ(c.result, "ok") << c.name << ": " << c.detail;
}

TEST(preflight_checks_test, every_no_is_a_reason) {
    preflight_facts f = ready();
    f.requested_target = "3.1.0";
    f.precheck = precheck_verdict{false, "Not an adjacent version", "0"};
    f.snapshots->clear();
    f.reading->health = "yellow";
    f.reading->shards = {0, 0, 4};
    f.info->status = "changing";
    const auto r = decide(f);
    EXPECT_EQ(r.verdict, "no-go");
    EXPECT_EQ(r.exit_code(), 1);
    EXPECT_EQ(r.reasons,
              (std::vector<std::string>{
                  "cluster status: changing: an upgrade starts from a running cluster",
                  "adjacent majors: 3.x needs 2.19.0 or later first (2.14.0 → 3.1.0)",
                  "API pre-check: Not an adjacent version",
                  "latest snapshot: no successful snapshot found; a rolling upgrade needs one "
                  "from the last 6 hours",
                  "cluster health: yellow (0 initializing, 0 relocating, 4 unassigned shards): "
                  "wait for green, a node restarting now could lose the last copy of a shard"}));
}

TEST(preflight_checks_test, an_old_snapshot_is_no_and_a_view_that_is_down_is_unknown) {
    preflight_facts f = ready();
    f.snapshots = std::vector<opensearch::snapshot_entry>{
        {"old", "repo", "SUCCESS", now - 7h, now - 6h - 1min}};
    auto r = decide(f);
    EXPECT_EQ(r.verdict, "no-go");
    EXPECT_EQ(r.reasons, (std::vector<std::string>{
                             "latest snapshot: old ended 6h01m ago (at most 6h old is required): "
                             "take a snapshot first"}));

    f = ready();
    f.reading.reset();
    f.reading_error = "OpenSearch unreachable: reset";
    f.snapshots.reset();
    f.snapshots_error = "OpenSearch unreachable: reset";
    r = decide(f);
    EXPECT_EQ(r.verdict, "go");  // nothing seen says no
    EXPECT_EQ(r.checks[4].result, "unknown");
    EXPECT_EQ(r.checks[5].result, "unknown");

    f = ready();
    f.cluster.opensearch.reset();  // no view: skipped
    r = decide(f);
    EXPECT_EQ(r.verdict, "go");
    EXPECT_EQ(r.checks[4].result, "skipped");
}

TEST(preflight_checks_test, an_api_that_could_not_be_asked_is_undecided) {
    preflight_facts f = ready();
    f.precheck.reset();
    f.precheck_error = "API unreachable: connect refused";
    auto r = decide(f);
    EXPECT_EQ(r.verdict, "undecided");
    EXPECT_EQ(r.exit_code(), 2);
    EXPECT_EQ(
        r.reasons,
        (std::vector<std::string>{"rollingUpgradePreCheck: API unreachable: connect refused"}));
    f = ready();
    f.info.reset();
    f.info_error = "authentication failed";
    EXPECT_EQ(decide(f).verdict, "undecided");
}

TEST(preflight_checks_test, table_and_json_say_the_same) {
    preflight_facts f = ready();
    f.requested_target = "2150";
    f.snapshots->clear();
    const auto r = decide(f);
    const std::string table = preflight_table(r);
    EXPECT_NE(table.find("preflight logs  (instance 1037001, KR)\n"), std::string::npos) << table;
    EXPECT_NE(table.find("  NO       latest snapshot  no successful snapshot found"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("NO-GO: 1 reason\n  - latest snapshot: "), std::string::npos) << table;
    const std::string json = preflight_json(r);
    EXPECT_NE(
        json.find(R"("target":{"code":"2150","name":"OpenSearch 2.15.0","chosen":"requested"})"),
        std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("verdict":"no-go","reasons":["latest snapshot: )"), std::string::npos)
        << json;
    EXPECT_NE(json.find(R"({"name":"latest snapshot","result":"no",)"), std::string::npos) << json;
}

}  // namespace
}  // namespace sesmon::cli
