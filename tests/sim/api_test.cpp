// The simulator's API over real loopback connections: routes, gateway checks, contracts,
// virtual time and every fault kind.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/beast/http/error.hpp>

#include "sim/gateway.hpp"
#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

using test::client_call;
using test::exchange;
using test::running_sim;

const char* yaml = R"(start: "2025-03-24 17:00:00"
clusters:
  - name: c1
    instance_no: "1037001"
    version: "2140"
    nodes:
      - {hostname: a, role: M}
      - {hostname: b, role: D}
    upgrade:
      start: "+60s"
      target_version: "2150"
      stages: [{name: Upgrade_OpenSearch, duration: 100s}]
  - name: sgn
    instance_no: "2000"
    region: SGN
    version: "2140"
    idle_response: service_error
    nodes: [{hostname: s1, role: D}]
)";

const char* body_c1 = R"({"serviceGroupInstanceNo": "1037001"})";

scenario frozen(const char* text = yaml) {
    return test::scenario_from(text, test::kst("2030-01-01 00:00:00"));
}

simulator_options frozen_options() {
    simulator_options o;
    o.time_scale = 0;
    return o;
}

rapidjson::Document json(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    return doc;
}

std::string error_code(const test::client_result& r) {
    auto doc = json(r.body);
    if (!doc.IsObject() || !doc.HasMember("error"))
        return "(none)";
    return doc["error"]["errorCode"].GetString();
}

TEST(sim_api_test, progress_follows_virtual_time_moved_by_advance) {
    running_sim sim(frozen(), frozen_options());
    auto before = sim.progress("/api/v2", body_c1);
    ASSERT_EQ(before.status, 200) << before.ec.message();
    EXPECT_EQ(json(before.body)["result"]["nodeStatusVoList"].Size(), 0u);
    EXPECT_FALSE(before.header("x-ncp-apigw-request-id").empty());
    EXPECT_EQ(json(before.body)["requestId"].GetString(), before.header("x-ncp-apigw-request-id"));

    ASSERT_EQ(sim.advance(170).status, 200);
    auto during = json(sim.progress("/api/v2", body_c1).body);
    EXPECT_STREQ(during["result"]["nodeStatusVoList"][0]["status"].GetString(), "complete");
    EXPECT_STREQ(during["result"]["nodeStatusVoList"][1]["status"].GetString(),
                 "Upgrade_OpenSearch");
    EXPECT_STREQ(during["result"]["nodeStatusVoList"][1]["updatedDate"].GetString(),
                 "2025-03-24 17:02:40");
    // Determinism: the same advance gives the same answer, the state endpoint agrees.
    auto again = json(sim.progress("/api/v2", body_c1).body);
    EXPECT_EQ(during["result"], again["result"]);
    auto state = json(exchange(sim.port(), {.target = "/_sim/state"}).body);
    EXPECT_STREQ(state["virtual_time_kst"].GetString(), "2025-03-24 17:02:50");
    EXPECT_STREQ(state["clusters"][0]["phase"].GetString(), "upgrading");
    EXPECT_STREQ(state["clusters"][0]["nodes"][1]["status"].GetString(), "Upgrade_OpenSearch");
    EXPECT_STREQ(state["clusters"][1]["phase"].GetString(), "idle");
    EXPECT_STREQ(state["clusters"][1]["nodes"][0]["hostname"].GetString(), "s1");
    EXPECT_STREQ(state["clusters"][1]["nodes"][0]["status"].GetString(), "idle");
}

TEST(sim_api_test, cluster_info_is_changing_during_upgrade_and_switches_version_after) {
    running_sim sim(frozen(), frozen_options());
    client_call info{.target = "/api/v2/cluster/getClusterInfo/1037001"};
    auto idle = json(exchange(sim.port(), info).body);
    EXPECT_STREQ(idle["result"]["clusterStatus"].GetString(), "running");
    sim.advance(61);
    auto changing = json(exchange(sim.port(), info).body);
    EXPECT_STREQ(changing["result"]["clusterStatus"].GetString(), "changing");
    EXPECT_STREQ(changing["result"]["searchEngineVersionCode"].GetString(), "2140");
    sim.advance(200);
    auto done = json(exchange(sim.port(), info).body);
    EXPECT_STREQ(done["result"]["clusterStatus"].GetString(), "running");
    EXPECT_STREQ(done["result"]["searchEngineVersionCode"].GetString(), "2150");
    EXPECT_STREQ(done["result"]["searchEngineVersion"].GetString(), "2.15.0");
}

TEST(sim_api_test, cluster_list_pages_per_region) {
    running_sim sim(frozen(), frozen_options());
    auto kr = json(
        exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfoList?pageNo=1&pageSize=1"})
            .body);
    EXPECT_EQ(kr["result"]["allowedClusters"].Size(), 1u);
    EXPECT_TRUE(kr["result"]["isLast"].GetBool());
    auto sgn =
        json(exchange(sim.port(), {.target = "/api/sgn-v2/cluster/getClusterInfoList"}).body);
    EXPECT_STREQ(sgn["result"]["allowedClusters"][0]["clusterName"].GetString(), "sgn");
    auto page2 = json(
        exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfoList?pageNo=2&pageSize=1"})
            .body);
    EXPECT_EQ(page2["result"]["allowedClusters"].Size(), 0u);
}

TEST(sim_api_test, unknown_routes_and_wrong_methods_get_404_300) {
    running_sim sim(frozen(), frozen_options());
    auto wrong_method = exchange(
        sim.port(), {.method = "GET", .target = "/api/v2/cluster/getRollingUpgradeProgress"});
    EXPECT_EQ(wrong_method.status, 404);
    EXPECT_EQ(error_code(wrong_method), "300");
    auto unknown = exchange(sim.port(), {.target = "/api/v2/cluster/nothing"});
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(error_code(unknown), "300");
    EXPECT_EQ(exchange(sim.port(), {.target = "/elsewhere"}).status, 404);
}

TEST(sim_api_test, unknown_instance_and_idle_service_error_are_service_errors) {
    running_sim sim(frozen(), frozen_options());
    auto unknown = sim.progress("/api/v2", R"({"serviceGroupInstanceNo": 999})");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(json(unknown.body)["code"].GetInt(), code_cluster_not_found);
    auto wrong_region = sim.progress("/api/v2", R"({"serviceGroupInstanceNo": "2000"})");
    EXPECT_EQ(json(wrong_region.body)["code"].GetInt(), code_cluster_not_found);
    auto idle = sim.progress("/api/sgn-v2", R"({"serviceGroupInstanceNo": "2000"})");
    EXPECT_EQ(idle.status, 400);
    EXPECT_EQ(json(idle.body)["code"].GetInt(), code_no_upgrade);
    auto garbage = sim.progress("/api/v2", "not json");
    EXPECT_EQ(garbage.status, 400);
    EXPECT_EQ(error_code(garbage), "100");
}

TEST(sim_api_test, region_no_required_contract_rejects_requests_without_it) {
    std::string text = std::string("region_no: required\n") + yaml;
    running_sim sim(frozen(text.c_str()), frozen_options());
    auto without = sim.progress("/api/v2", body_c1);
    EXPECT_EQ(without.status, 400);
    EXPECT_EQ(json(without.body)["code"].GetInt(), code_region_required);
    auto with = sim.progress("/api/v2", R"({"regionNo": 1, "serviceGroupInstanceNo": "1037001"})");
    EXPECT_EQ(with.status, 200);
    EXPECT_EQ(json(with.body)["code"].GetInt(), 0);
    auto wrong =
        sim.progress("/api/v2", R"({"regionNo": "7", "serviceGroupInstanceNo": "1037001"})");
    EXPECT_EQ(json(wrong.body)["code"].GetInt(), code_region_mismatch);
}

TEST(sim_api_test, region_no_optional_contract_accepts_both) {
    running_sim sim(frozen(), frozen_options());
    EXPECT_EQ(sim.progress("/api/v2", body_c1).status, 200);
    EXPECT_EQ(
        sim.progress("/api/v2", R"({"regionNo":"1","serviceGroupInstanceNo":"1037001"})").status,
        200);
}

TEST(sim_generated_test, generated_clusters_are_served_by_instance_number) {
    auto s = frozen();
    add_generated_clusters(s, 5000);
    running_sim sim(std::move(s), frozen_options());
    auto r = sim.progress("/api/v2", R"({"serviceGroupInstanceNo":"9004321"})");
    ASSERT_EQ(r.status, 200);
    auto doc = json(r.body);
    EXPECT_STREQ(doc["result"]["name"].GetString(), "gen-04321");
    EXPECT_GE(doc["result"]["nodeStatusVoList"].Size(), 3u);
    auto list =
        json(exchange(sim.port(),
                      {.target = "/api/v2/cluster/getClusterInfoList?pageNo=3&pageSize=1000"})
                 .body);
    EXPECT_EQ(list["result"]["totalCount"].GetInt(), 5001);
    EXPECT_EQ(list["result"]["allowedClusters"].Size(), 1000u);
    EXPECT_FALSE(list["result"]["isLast"].GetBool());
}

// --- signatures ---------------------------------------------------------------------------

class sim_signature_test : public ::testing::Test {
  protected:
    static simulator_options signed_options() {
        auto o = frozen_options();
        o.credentials = gateway_credentials{"AK", "SK"};
        return o;
    }
    running_sim sim_{frozen(), signed_options()};
    const std::string target_ = "/api/v2/cluster/getClusterInfo/1037001";

    static std::string now_ms(std::chrono::seconds shift = {}) {
        auto now = std::chrono::system_clock::now() + shift;
        return std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
    }
    test::client_result call(const std::string& ts, const std::string& key,
                             const std::string& signature, bool omit_signature = false) {
        client_call c{.target = target_};
        c.headers = {{"x-ncp-apigw-timestamp", ts}, {"x-ncp-iam-access-key", key}};
        if (!omit_signature)
            c.headers.emplace_back("x-ncp-apigw-signature-v2", signature);
        return exchange(sim_.port(), c);
    }
};

TEST_F(sim_signature_test, correctly_signed_request_is_served) {
    auto ts = now_ms();
    auto r = call(ts, "AK", signature_v2("GET", target_, ts, "AK", "SK"));
    EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(sim_signature_test, bad_signature_is_401_200) {
    auto ts = now_ms();
    auto r = call(ts, "AK", signature_v2("GET", target_, ts, "AK", "wrong"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(error_code(r), "200");
    EXPECT_STREQ(json(r.body)["error"]["message"].GetString(), "Authentication Failed");
}

TEST_F(sim_signature_test, signature_over_another_target_is_rejected) {
    auto ts = now_ms();
    auto r =
        call(ts, "AK", signature_v2("GET", "/api/v2/cluster/getClusterInfo/1", ts, "AK", "SK"));
    EXPECT_EQ(r.status, 401);
}

TEST_F(sim_signature_test, missing_header_is_401_200) {
    auto r = call(now_ms(), "AK", "", true);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(error_code(r), "200");
}

TEST_F(sim_signature_test, stale_or_future_timestamp_is_401_200) {
    for (auto shift : {std::chrono::seconds(-301), std::chrono::seconds(301)}) {
        auto ts = now_ms(shift);
        auto r = call(ts, "AK", signature_v2("GET", target_, ts, "AK", "SK"));
        EXPECT_EQ(r.status, 401) << shift.count();
        EXPECT_EQ(error_code(r), "200");
    }
    auto ts = now_ms(std::chrono::seconds(-240));  // inside the window
    EXPECT_EQ(call(ts, "AK", signature_v2("GET", target_, ts, "AK", "SK")).status, 200);
}

TEST_F(sim_signature_test, wrong_access_key_is_401_200) {
    auto ts = now_ms();
    auto r = call(ts, "OTHER", signature_v2("GET", target_, ts, "OTHER", "SK"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(error_code(r), "200");
}

TEST(gateway_test, signature_matches_the_documented_vectors) {
    EXPECT_EQ(signature_v2("GET", "/vserver/v2/getServerInstanceList?responseFormatType=json",
                           "1234567890123", "TestAccessKey", "TestSecretKey"),
              "FPsYYX8fuMAgi+cue3eACOW0dNtIwu1LYWfg/megA2M=");
    EXPECT_EQ(signature_v2("POST", "/api/v2/cluster/getRollingUpgradeProgress", "1709704983976",
                           "ANJNnR1jz1gUzaiS0aV2", "TestSecretKey"),
              "SaCPmDTYbFtbRhWeVTkwAEkYxBLWR0PI/COzin01ZRs=");
    EXPECT_EQ(signature_v2("GET", "/api/v2/cluster/getClusterInfoList?pageNo=1&pageSize=20",
                           "1709704983976", "ANJNnR1jz1gUzaiS0aV2", "TestSecretKey"),
              "y7Kr2tbBG2uED67wlYLlzFWB8LfuIC+Ddsn+xmxRhaA=");
}

}  // namespace
}  // namespace sesmon::sim
