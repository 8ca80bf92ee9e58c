#include "web/view_model.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "common/time_format.hpp"
#include "sample_view.hpp"

namespace sesmon::web {
namespace {

wall_time at(const char* rfc3339) {
    return *common::parse_rfc3339(rfc3339);
}

TEST(view_model_test, to_json_renders_the_sample_exactly) {
    const std::string expected =
        R"({"version":"0.1.0","started_at":"2026-11-26T19:00:00Z","now":"2026-11-26T20:00:00Z",)"
        R"("ready":true,"clusters":[{"name":"prod-logs","instance_no":"1037001","region":"KR",)"
        R"("discovered":false,"labels":{"env":"prod","team":"search"},"state":"stalled",)"
        R"("upgrade":{"id":"3f9a0c2d5e7b8a61","in_progress":true,"from_version":"2140",)"
        R"("to_version":"2150","action_date":"2026-11-27T03:50:00+09:00",)"
        R"("started_at":"2026-11-26T18:50:00Z","finished_at":null,)"
        R"("expected_finish":"2026-11-26T20:52:00Z","nodes_total":3,"nodes_complete":1},)"
        R"("stalled":true,)"
        R"("stall":{"reason":"node_stage_timeout","stalled_for_seconds":2820,)"
        R"("node":"prod-logs-do-6tnm"},"failed":false,)"
        R"("blind":false,"last_poll":{"at":"2026-11-26T19:59:45Z","result":"ok",)"
        R"("success_at":"2026-11-26T19:59:45Z","error":null},"nodes":[)"
        R"({"hostname":"prod-logs-m-1","role":"M","status":"complete","phase":"complete",)"
        R"("status_since":"2026-11-26T19:05:00Z","seconds_in_status":3300},)"
        R"({"hostname":"prod-logs-do-6tnm","role":"DO","status":"Upgrade_OpenSearch",)"
        R"("phase":"upgrading","status_since":"2026-11-26T19:13:00Z","seconds_in_status":2820},)"
        R"({"hostname":"prod-logs-do-7xq2","role":"DO","status":"running","phase":"pending",)"
        R"("status_since":null,"seconds_in_status":0}]},)"
        R"({"name":"staging \"eu\"","instance_no":"1037002","region":"KR","discovered":false,)"
        R"("labels":{},"state":"blind",)"
        R"("upgrade":{"id":null,"in_progress":false,"from_version":null,"to_version":null,)"
        R"("action_date":null,"started_at":null,"finished_at":null,"expected_finish":null,)"
        R"("nodes_total":0,)"
        R"("nodes_complete":0},"stalled":false,"stall":null,"failed":false,"blind":true,)"
        R"("last_poll":{"at":"2026-11-26T19:59:50Z","result":"auth","success_at":null,)"
        R"("error":"authentication failed (gateway 401/200): check the access key, secret key )"
        R"(and clock"},"nodes":[]}]})";
    EXPECT_EQ(to_json(testing::sample_view()), expected);
}

TEST(view_model_test, cluster_json_is_the_element_of_the_clusters_array) {
    const auto view = testing::sample_view();
    rapidjson::Document whole, one;
    whole.Parse(to_json(view).c_str());
    one.Parse(to_json(view.clusters[1], view.now).c_str());
    ASSERT_FALSE(one.HasParseError());
    EXPECT_TRUE(whole["clusters"][1] == one);
}

// docs/http-api.md shows a real document; this keeps it equal to what to_json renders.
TEST(view_model_test, docs_example_equals_the_rendered_sample) {
    std::ifstream in(std::string(SESMON_SOURCE_DIR) + "/docs/http-api.md");
    ASSERT_TRUE(in) << "docs/http-api.md missing";
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string doc = buf.str();
    const std::string marker = "<!-- example: sample_view -->\n```json\n";
    const auto start = doc.find(marker);
    ASSERT_NE(start, std::string::npos) << "example marker missing";
    const auto body = start + marker.size();
    const auto end = doc.find("```", body);
    ASSERT_NE(end, std::string::npos);
    rapidjson::Document documented, rendered;
    documented.Parse(doc.substr(body, end - body).c_str());
    ASSERT_FALSE(documented.HasParseError());
    rendered.Parse(to_json(testing::sample_view()).c_str());
    EXPECT_TRUE(documented == rendered);
}

snapshot sample_snapshot() {
    snapshot s;
    s.cluster_name = "prod-logs";
    s.node_count = 4;
    s.version = version_info{"2140", "2150", "2026-11-27 03:50:00", at("2026-11-26T18:50:00Z")};
    auto node = [](const char* host, const char* status, std::optional<wall_time> updated) {
        return node_observation{host, "DO", status, "", updated};
    };
    s.nodes = {node("n1", "complete", at("2026-11-26T19:05:00Z")),
               node("n2", "Upgrade_OpenSearch", at("2026-11-26T19:10:00Z")),
               node("n3", "running", at("2026-11-26T21:00:00Z")),  // in the future
               node("n4", "Upgrade_Failed", std::nullopt)};
    return s;
}

cluster_config sample_config() {
    cluster_config c;
    c.name = "prod-logs";
    c.instance_no = "1037001";
    c.region = "KR";
    c.stall.node_stage_timeout = std::chrono::minutes(45);
    return c;
}

TEST(view_model_test, from_snapshot_counts_classifies_and_times_nodes) {
    const auto v = from_snapshot(sample_config(), sample_snapshot(), at("2026-11-26T20:00:00Z"));
    EXPECT_EQ(v.name, "prod-logs");
    EXPECT_EQ(v.instance_no, "1037001");
    EXPECT_EQ(v.from_version, "2140");
    EXPECT_EQ(v.to_version, "2150");
    EXPECT_EQ(v.action_date, "2026-11-27T03:50:00+09:00");
    EXPECT_EQ(v.nodes_total, 4);
    EXPECT_EQ(v.nodes_complete, 1);
    EXPECT_TRUE(v.upgrade_in_progress);
    EXPECT_TRUE(v.failed);
    ASSERT_EQ(v.nodes.size(), 4u);
    EXPECT_EQ(v.nodes[1].phase, "upgrading");
    EXPECT_EQ(v.nodes[1].seconds_in_status, 50 * 60);
    EXPECT_EQ(v.nodes[2].phase, "pending");
    EXPECT_FALSE(v.nodes[2].status_since) << "a future updatedDate is not believed";
    EXPECT_EQ(v.nodes[3].phase, "failed");
    EXPECT_EQ(v.last_poll_result, "ok");
    EXPECT_EQ(v.last_success_at, at("2026-11-26T20:00:00Z"));
    // n2 is 50m in its stage, past 45m: stalls are judged by the tracker's rule, not here
    // (status_view_test).
    EXPECT_FALSE(v.stalled);
}

TEST(view_model_test, from_snapshot_with_every_node_complete_is_not_in_progress) {
    auto snap = sample_snapshot();
    snap.version->current_version = "2150";
    for (auto& n : snap.nodes)
        n.status = "completed";
    const auto v = from_snapshot(sample_config(), snap, at("2026-11-26T20:00:00Z"));
    EXPECT_FALSE(v.upgrade_in_progress);
    EXPECT_FALSE(v.stalled);
    EXPECT_EQ(v.nodes_complete, 4);
}

TEST(view_model_test, from_snapshot_without_versions_or_activity_is_idle) {
    snapshot snap;
    snap.node_count = 2;
    snap.nodes = {{"a", "M", "running", "", std::nullopt}, {"b", "D", "running", "", std::nullopt}};
    const auto v = from_snapshot(sample_config(), snap, at("2026-11-26T20:00:00Z"));
    EXPECT_FALSE(v.upgrade_in_progress);
    EXPECT_EQ(v.to_version, "");
    EXPECT_EQ(v.nodes_total, 2);
}

}  // namespace
}  // namespace sesmon::web
