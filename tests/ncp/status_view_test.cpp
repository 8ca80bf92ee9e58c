// status_view: the `status` command's poll results as the API's view model, and the table
// and JSON rendered from it (web::to_table, web::to_json).
#include "cli/status_view.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "ncp/progress_parser.hpp"
#include "sesmon/version.hpp"
#include "support/fixtures.hpp"
#include "web/status_table.hpp"

namespace sesmon::cli {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

cluster_config prod() {
    cluster_config c;
    c.name = "prod-logs";
    c.instance_no = "1037001";
    c.region = "KR";
    return c;
}

// 2025-03-24 17:41:28 +09:00: 30 minutes after the two MO nodes' updatedDate.
const wall_time view_now = sys_days(year(2025) / 3 / 24) + 8h + 41min + 28s;

cluster_status seed_status() {
    return {prod(), ncp::parse_progress(test::read_fixture("seed_response.json"), 9h).value()};
}

cluster_status auth_failure() {
    api_error e;
    e.kind = api_error_kind::auth;
    e.http_status = 401;
    e.code = "200";
    e.message =
        "authentication failed (gateway 401/200): check the access key, secret key and clock";
    return {prod(), e};
}

TEST(status_view_test, a_successful_poll_is_the_api_view_of_its_snapshot) {
    const cluster_status s = seed_status();
    const web::cluster_view v = to_view(s, view_now, 9h);
    EXPECT_EQ(v, web::from_snapshot(s.cluster, *s.result, view_now, 9h));
    EXPECT_EQ(v.from_version, "2140");
    EXPECT_EQ(v.to_version, "2150");
    EXPECT_EQ(v.nodes_complete, 1);
    EXPECT_EQ(v.nodes_total, 8);
    ASSERT_EQ(v.nodes.size(), 8u);
    EXPECT_EQ(v.last_poll_result, "ok");
}

TEST(status_view_test, a_failed_poll_keeps_the_cluster_and_the_classified_reason) {
    const web::cluster_view v = to_view(auth_failure(), view_now, 9h);
    EXPECT_EQ(v.name, "prod-logs");
    EXPECT_EQ(v.instance_no, "1037001");
    EXPECT_EQ(v.region, "KR");
    EXPECT_EQ(v.last_poll_at, view_now);
    EXPECT_FALSE(v.last_success_at);
    EXPECT_EQ(v.last_poll_result, "auth");
    EXPECT_EQ(v.last_error,
              "authentication failed (gateway 401/200): check the access key, secret key and "
              "clock");
    EXPECT_TRUE(v.nodes.empty());
    EXPECT_FALSE(v.upgrade_in_progress);
    EXPECT_TRUE(v.blind) << "it cannot be observed now";
}

TEST(status_view_test, the_daemon_view_is_ready_and_keeps_the_cluster_order) {
    const web::daemon_view v = to_view({seed_status(), auth_failure()}, view_now, 9h);
    EXPECT_TRUE(v.ready);
    EXPECT_EQ(v.version, sesmon::version);
    EXPECT_EQ(v.now, view_now);
    EXPECT_EQ(v.started_at, view_now);
    ASSERT_EQ(v.clusters.size(), 2u);
    EXPECT_EQ(v.clusters[0].last_poll_result, "ok");
    EXPECT_EQ(v.clusters[1].last_poll_result, "auth");
}

TEST(status_view_test, seed_table_shows_versions_bar_and_every_node) {
    const std::string text =
        web::to_table(to_view(std::vector<cluster_status>{seed_status()}, view_now, 9h).clusters);
    EXPECT_NE(text.find("prod-logs  (instance 1037001, KR)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  2140 → 2150  [###---------------------]  1/8 nodes  upgrading\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  HOSTNAME            ROLE  STATUS              IN STATUS\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  cluster000-mo-6tnk  MO    complete            30m\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("  cluster000-mo-6tnl  MO    Upgrade_OpenSearch  30m\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("  cluster000-m-6tnh   M     running             1h05m\n"),
              std::string::npos)
        << text;
    // Title, versions/bar, header, 8 nodes.
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3 + 8);
}

TEST(status_view_test, table_shows_the_reason_of_a_failed_cluster_after_the_others) {
    const std::string text =
        web::to_table(to_view({seed_status(), auth_failure()}, view_now, 9h).clusters);
    EXPECT_NE(text.find("\n\nprod-logs  (instance 1037001, KR)\n"
                        "  no data, BLIND\n"
                        "  last poll failed (auth): authentication failed (gateway 401/200): "
                        "check the access key, secret key and clock\n"),
              std::string::npos)
        << text;
}

TEST(status_view_test, json_is_the_api_document_with_snapshot_and_error) {
    const std::string text = web::to_json(to_view({seed_status(), auth_failure()}, view_now, 9h));
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    ASSERT_FALSE(doc.HasParseError()) << text;
    EXPECT_TRUE(doc["ready"].GetBool());
    EXPECT_STREQ(doc["now"].GetString(), "2025-03-24T08:41:28Z");
    const auto& ok = doc["clusters"][0];
    EXPECT_STREQ(ok["name"].GetString(), "prod-logs");
    EXPECT_STREQ(ok["upgrade"]["from_version"].GetString(), "2140");
    EXPECT_STREQ(ok["upgrade"]["to_version"].GetString(), "2150");
    EXPECT_STREQ(ok["upgrade"]["action_date"].GetString(), "2025-03-24T17:09:41+09:00");
    EXPECT_EQ(ok["upgrade"]["nodes_total"].GetInt(), 8);
    EXPECT_EQ(ok["upgrade"]["nodes_complete"].GetInt(), 1);
    EXPECT_STREQ(ok["last_poll"]["result"].GetString(), "ok");
    EXPECT_TRUE(ok["last_poll"]["error"].IsNull());
    ASSERT_EQ(ok["nodes"].Size(), 8u);
    EXPECT_STREQ(ok["nodes"][1]["status"].GetString(), "Upgrade_OpenSearch");
    EXPECT_STREQ(ok["nodes"][1]["phase"].GetString(), "upgrading");
    EXPECT_STREQ(ok["nodes"][1]["status_since"].GetString(), "2025-03-24T08:11:28Z");
    EXPECT_EQ(ok["nodes"][1]["seconds_in_status"].GetInt(), 1800);
    const auto& bad = doc["clusters"][1];
    EXPECT_STREQ(bad["last_poll"]["result"].GetString(), "auth");
    EXPECT_STREQ(bad["last_poll"]["at"].GetString(), "2025-03-24T08:41:28Z");
    EXPECT_TRUE(bad["last_poll"]["success_at"].IsNull());
    EXPECT_EQ(std::string(bad["last_poll"]["error"].GetString()).rfind("authentication failed", 0),
              0u);
    EXPECT_EQ(bad["nodes"].Size(), 0u);
}

cluster_status seed_with_stall(const stall_config& stall) {
    cluster_status s = seed_status();
    s.cluster.stall = stall;
    return s;
}

// Issue 27: `status` judged stalls by a rule of its own, which took a 0s timeout (off, as
// the daemon reads it) for "every upgrading node is stalled at once".
TEST(status_view_test, timeouts_of_0s_are_off_as_in_the_daemon) {
    stall_config off;
    off.node_stage_timeout = 0s;
    off.no_progress_timeout = 0s;
    off.adaptive_factor = 0;
    const web::cluster_view v = to_view(seed_with_stall(off), view_now + 2h, 9h);
    EXPECT_TRUE(v.upgrade_in_progress);
    EXPECT_FALSE(v.stalled);
    EXPECT_EQ(v.stall_reason, "");
}

TEST(status_view_test, a_node_past_its_stage_timeout_is_stalled_by_the_trackers_rule) {
    stall_config st;
    st.node_stage_timeout = 20min;
    const web::cluster_view v = to_view(seed_with_stall(st), view_now, 9h);
    EXPECT_TRUE(v.stalled);
    EXPECT_EQ(v.stall_reason, "node_stage_timeout");
    EXPECT_EQ(v.stalled_for_seconds, 1800);  // the MO node's updatedDate is 30 minutes old
}

TEST(status_view_test, no_progress_for_longer_than_its_timeout_is_a_stall_as_in_the_daemon) {
    stall_config st;
    st.node_stage_timeout = 2h;
    st.no_progress_timeout = 20min;
    const web::cluster_view v = to_view(seed_with_stall(st), view_now, 9h);
    EXPECT_TRUE(v.stalled);
    EXPECT_EQ(v.stall_reason, "no_progress_timeout");
}

TEST(status_view_test, no_clock_note_when_node_times_are_in_the_past) {
    EXPECT_EQ(clock_note({seed_status(), auth_failure()}, view_now), std::nullopt);
    // Up to a minute ahead is the API's second resolution and ordinary clock drift.
    EXPECT_EQ(clock_note({seed_status()}, view_now - 30min + 1min), std::nullopt);
}

TEST(status_view_test, node_times_ahead_of_this_host_get_a_note_saying_why_none_is_shown) {
    // The MO nodes' updatedDate is 30 minutes before `now`: 10 minutes after `now - 40min`.
    const auto note = clock_note({auth_failure(), seed_status()}, view_now - 40min);
    ASSERT_TRUE(note.has_value());
    EXPECT_EQ(*note,
              "note: nodes' updatedDate is up to 10m ahead of this host's clock (a clock out of "
              "sync, or a simulator faster than real time): no time in status, and no stall, "
              "is shown for such nodes");
}

}  // namespace
}  // namespace sesmon::cli
