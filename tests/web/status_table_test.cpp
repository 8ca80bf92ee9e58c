#include "web/status_table.hpp"

#include <gtest/gtest.h>

#include "sample_view.hpp"

namespace sesmon::web {
namespace {

TEST(status_table_test, renders_versions_progress_state_and_a_row_per_node) {
    const std::string expected =
        "prod-logs  (instance 1037001, KR)\n"
        "  2140 \u2192 2150  [########----------------]  1/3 nodes  upgrading, STALLED 47m "
        "(node_stage_timeout)\n"
        "  HOSTNAME           ROLE  STATUS              IN STATUS\n"
        "  prod-logs-m-1      M     complete            55m\n"
        "  prod-logs-do-6tnm  DO    Upgrade_OpenSearch  47m\n"
        "  prod-logs-do-7xq2  DO    running             -\n"
        "\n"
        "staging \"eu\"  (instance 1037002, KR)\n"
        "  no version reported  [------------------------]  0/0 nodes  no upgrade, BLIND\n"
        "  last poll failed (auth): authentication failed (gateway 401/200): check the access "
        "key, secret key and clock\n";
    EXPECT_EQ(to_table(testing::sample_view().clusters), expected);
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

}  // namespace
}  // namespace sesmon::web
