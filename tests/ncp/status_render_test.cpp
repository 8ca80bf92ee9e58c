// status rendering: pure functions of (cluster, poll result, now).
#include "cli/status_render.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "ncp/progress_parser.hpp"
#include "support/fixtures.hpp"

namespace sesmon::cli {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

std::string seed_body() {
    return test::read_fixture("seed_response.json");
}

cluster_config prod() {
    cluster_config c;
    c.name = "prod-logs";
    c.instance_no = "1037001";
    c.region = "KR";
    return c;
}

// 2025-03-24 17:41:28 +09:00: 30 minutes after the two MO nodes' updatedDate.
const wall_time now = sys_days(year(2025) / 3 / 24) + 8h + 41min + 28s;

cluster_status seed_status() {
    return {prod(), ncp::parse_progress(seed_body(), 9h).value()};
}

TEST(status_render_test, progress_bar_fills_in_proportion) {
    EXPECT_EQ(progress_bar(0, 4, 4), "[░░░░]");
    EXPECT_EQ(progress_bar(1, 4, 4), "[█░░░]");
    EXPECT_EQ(progress_bar(4, 4, 4), "[████]");
    EXPECT_EQ(progress_bar(9, 4, 4), "[████]");
    EXPECT_EQ(progress_bar(1, 0, 4), "[░░░░]");
}

TEST(status_render_test, seed_table_shows_versions_progress_and_every_node) {
    const std::string text = render_cluster_table(seed_status(), now, 9h);
    EXPECT_NE(text.find("prod-logs (instance 1037001, region KR)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("version  2140 → 2150  (since 2025-03-24T17:09:41+09:00)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("nodes    1/8 complete  [███░░░░░░░░░░░░░░░░░░░░░] 12%"), std::string::npos)
        << text;
    EXPECT_NE(text.find("HOSTNAME            ROLE  STATUS              IN STATUS"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("cluster000-mo-6tnk  MO    complete            30m"), std::string::npos)
        << text;
    EXPECT_NE(text.find("cluster000-mo-6tnl  MO    Upgrade_OpenSearch  30m"), std::string::npos)
        << text;
    EXPECT_NE(text.find("cluster000-m-6tnh   M     running             1h05m"), std::string::npos)
        << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3 + 1 + 8);
}

TEST(status_render_test, error_shows_the_classified_reason) {
    api_error e;
    e.kind = api_error_kind::auth;
    e.message =
        "authentication failed (gateway 401/200): check the access key, secret key and clock";
    const std::string text = render_cluster_table({prod(), e}, now, 9h);
    EXPECT_EQ(text,
              "prod-logs (instance 1037001, region KR)\n"
              "  error: authentication failed (gateway 401/200): check the access key, secret "
              "key and clock\n");
}

TEST(status_render_test, no_upgrade_and_unknown_dates) {
    snapshot idle;
    idle.node_count = 3;
    EXPECT_NE(render_cluster_table({prod(), idle}, now, 9h).find("no upgrade reported (3 nodes)"),
              std::string::npos);

    snapshot odd;
    odd.node_count = 1;
    odd.nodes.push_back({"h", "D", "rebooting", "garbage", std::nullopt});
    const std::string text = render_cluster_table({prod(), odd}, now, 9h);
    EXPECT_NE(text.find("h         D     rebooting  -"), std::string::npos) << text;
    EXPECT_NE(text.find("0/1 complete"), std::string::npos) << text;
}

TEST(status_render_test, table_separates_clusters_with_a_blank_line) {
    api_error e;
    e.message = "x";
    const std::string text = render_status_table({seed_status(), {prod(), e}}, now, 9h);
    EXPECT_NE(text.find("\n\nprod-logs (instance"), std::string::npos);
}

TEST(status_render_test, json_carries_every_field_and_errors) {
    api_error e;
    e.kind = api_error_kind::throttled;
    e.http_status = 429;
    e.code = "410";
    e.message = "throttled";
    e.retry_after = 7s;
    const std::string text = render_status_json({seed_status(), {prod(), e}}, now, 9h);

    rapidjson::Document doc;
    doc.Parse(text.c_str());
    ASSERT_FALSE(doc.HasParseError()) << text;
    EXPECT_STREQ(doc["generated_at"].GetString(), "2025-03-24T08:41:28Z");
    const auto& ok = doc["clusters"][0];
    EXPECT_TRUE(ok["ok"].GetBool());
    EXPECT_STREQ(ok["name"].GetString(), "prod-logs");
    EXPECT_EQ(ok["node_count"].GetInt(), 8);
    EXPECT_EQ(ok["nodes_complete"].GetInt(), 1);
    EXPECT_STREQ(ok["version"]["current"].GetString(), "2140");
    EXPECT_STREQ(ok["version"]["target"].GetString(), "2150");
    EXPECT_STREQ(ok["version"]["action_date"].GetString(), "2025-03-24T17:09:41+09:00");
    ASSERT_EQ(ok["nodes"].Size(), 8u);
    EXPECT_STREQ(ok["nodes"][1]["status"].GetString(), "Upgrade_OpenSearch");
    EXPECT_STREQ(ok["nodes"][1]["phase"].GetString(), "upgrading");
    EXPECT_STREQ(ok["nodes"][1]["updated_date"].GetString(), "2025-03-24T17:11:28+09:00");
    EXPECT_EQ(ok["nodes"][1]["seconds_in_status"].GetInt(), 1800);
    const auto& bad = doc["clusters"][1];
    EXPECT_FALSE(bad["ok"].GetBool());
    EXPECT_STREQ(bad["error"]["kind"].GetString(), "throttled");
    EXPECT_EQ(bad["error"]["http_status"].GetInt(), 429);
    EXPECT_EQ(bad["error"]["retry_after_ms"].GetInt(), 7000);
}

}  // namespace
}  // namespace sesmon::cli
