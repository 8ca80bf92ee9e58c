#include "web/status_table.hpp"

#include <gtest/gtest.h>

#include "sample_view.hpp"
#include "web/fleet_table.hpp"

namespace sesmon::web {
namespace {

TEST(status_table_test, renders_versions_progress_state_and_a_row_per_node) {
    const std::string expected =
        "prod-logs  (instance 1037001, KR)\n"
        "  2140 \u2192 2150  [########----------------]  1/3 nodes  upgrading, STALLED 47m "
        "(node_stage_timeout)\n"
        "  expected to finish 2026-11-26T20:52:00Z\n"
        "  HOSTNAME           ROLE  STATUS              IN STATUS\n"
        "  prod-logs-m-1      M     complete            55m\n"
        "  prod-logs-do-6tnm  DO    Upgrade_OpenSearch  47m\n"
        "  prod-logs-do-7xq2  DO    running             -\n"
        "\n"
        "staging \"eu\"  (instance 1037002, KR)\n"
        "  no data, BLIND\n"
        "  last poll failed (auth): authentication failed (gateway 401/200): check the access "
        "key, secret key and clock\n";
    EXPECT_EQ(to_table(testing::sample_view().clusters), expected);
}

TEST(status_table_test, the_fleet_row_of_an_upgrade_says_what_opensearch_says) {
    daemon_view v = testing::sample_view();
    cluster_view& stalled = v.clusters[0];
    const auto row_of = [&](const cluster_view& c) {
        const std::string table = fleet_table({&c}, v.now);
        return table.substr(table.find('\n') + 1);  // below the heading
    };
    EXPECT_EQ(row_of(stalled).find("opensearch"), std::string::npos) << "no view configured";

    opensearch_view o;
    o.current = true;
    o.health = "yellow";
    o.shards = {3, 0, 2};
    o.recoveries = {3, 41.7};
    stalled.opensearch = o;
    EXPECT_NE(row_of(stalled).find("node prod-logs-do-6tnm stuck for 47m (node_stage_timeout); "
                                   "opensearch yellow, 3 recoveries 41%, 2 unassigned"),
              std::string::npos)
        << row_of(stalled);

    stalled.opensearch = opensearch_view{false, "OpenSearch unreachable: connection refused"};
    EXPECT_NE(row_of(stalled).find("(node_stage_timeout); opensearch view unavailable"),
              std::string::npos)
        << row_of(stalled);

    // At rest the view is not read: nothing to say.
    cluster_view idle = stalled;
    idle.upgrade_in_progress = false;
    idle.stalled = false;
    idle.nodes.clear();
    idle.opensearch = o;
    EXPECT_EQ(row_of(idle).find("opensearch"), std::string::npos) << row_of(idle);
}

TEST(status_table_test, a_finished_upgrade_shows_a_full_bar) {
    cluster_view c;
    c.name = "done";
    c.from_version = c.to_version = "2150";
    c.nodes_total = c.nodes_complete = 4;
    c.finished_at = wall_time(std::chrono::seconds(1));
    const std::string table = to_table({c});
    EXPECT_NE(table.find("2150  [########################]  4/4 nodes  finished"),
              std::string::npos)
        << table;
}

// `status` polls once and has no history: every node complete on a version change is how
// it knows the upgrade finished.
TEST(status_table_test, every_node_complete_on_a_version_change_says_finished) {
    cluster_view c;
    c.name = "done";
    c.from_version = "2140";
    c.to_version = "2150";
    c.nodes_total = c.nodes_complete = 8;
    c.last_poll_result = "ok";
    const std::string table = to_table({c});
    EXPECT_NE(table.find("[########################]  8/8 nodes  finished\n"), std::string::npos)
        << table;
}

TEST(status_table_test, a_cluster_never_polled_successfully_shows_no_data_and_the_reason) {
    cluster_view c;
    c.name = "prod-logs";
    c.instance_no = "1037001";
    c.region = "KR";
    c.last_poll_result = "network";
    c.last_error = "API unreachable (connection refused)";
    EXPECT_EQ(to_table({c}),
              "prod-logs  (instance 1037001, KR)\n"
              "  no data\n"
              "  last poll failed (network): API unreachable (connection refused)\n");
}

TEST(status_table_test, a_discovered_cluster_is_marked_in_its_heading) {
    cluster_view c;
    c.name = "found";
    c.instance_no = "42";
    c.region = "SGN";
    c.discovered = true;
    EXPECT_EQ(to_table({c}).rfind("found  (instance 42, SGN, discovered)\n", 0), 0u)
        << to_table({c});
}

TEST(status_table_test, an_idle_cluster_polled_ok_says_no_upgrade) {
    cluster_view c;
    c.name = "idle";
    c.from_version = c.to_version = "2150";
    c.nodes_total = 3;
    c.last_poll_result = "ok";
    const std::string table = to_table({c});
    EXPECT_NE(table.find("2150  [------------------------]  0/3 nodes  no upgrade\n"),
              std::string::npos)
        << table;
}

}  // namespace
}  // namespace sesmon::web
