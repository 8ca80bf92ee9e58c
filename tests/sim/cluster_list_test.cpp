// getClusterInfoList and getClusterInfo over real loopback connections: paging, filters,
// the gateway's checks, clusters that appear and disappear, disallowed clusters, faults.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "sim/api_service.hpp"
#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

using test::exchange;
using test::running_sim;

// Twelve KR clusters logs-01..logs-12 (the odd ones in vpc "blue"), a created-later one,
// a deleted-later one, a disallowed one, and one in SGN.
std::string fleet_yaml() {
    std::string yaml = "start: \"2025-03-24 17:00:00\"\nclusters:\n";
    for (int i = 1; i <= 12; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "logs-%02d", i);
        yaml += std::string("  - {name: ") + name + ", instance_no: \"" + std::to_string(1000 + i) +
                "\", version: \"2140\", nodes: [{hostname: " + name +
                "-a, role: M}, {hostname: " + name + "-b, role: DO}]" +
                (i % 2 ? ", vpc_name: blue" : "") + "}\n";
    }
    yaml +=
        R"(  - {name: Search-New, instance_no: "2001", version: "2140", nodes: [{hostname: n}], appears: "+10m"}
  - {name: old-one, instance_no: "2002", version: "2140", nodes: [{hostname: o}], disappears: "+10m"}
  - {name: hidden, instance_no: "2003", version: "2140", nodes: [{hostname: h}], listing: disallowed}
  - {name: sgn-logs, instance_no: "3001", region: SGN, version: "2140", nodes: [{hostname: s}]}
)";
    return yaml;
}

running_sim fleet() {
    simulator_options o;
    o.time_scale = 0;
    return running_sim(test::scenario_from(fleet_yaml(), test::kst("2030-01-01 00:00:00")), o);
}

rapidjson::Document list(running_sim& sim, const std::string& query,
                         const std::string& prefix = "/api/v2") {
    auto r = exchange(sim.port(), {.target = prefix + "/cluster/getClusterInfoList" + query});
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    EXPECT_EQ(r.status, 200) << r.body;
    return doc;
}

std::vector<std::string> names(const rapidjson::Value& clusters) {
    std::vector<std::string> out;
    for (const auto& c : clusters.GetArray())
        out.emplace_back(c["clusterName"].GetString());
    return out;
}

TEST(sim_cluster_list_test, pages_are_one_based_with_the_documented_paging_fields) {
    auto sim = fleet();
    // 12 + old-one + hidden exist now (Search-New appears later); default pageSize 10.
    auto first = list(sim, "");
    const auto& r1 = first["result"];
    EXPECT_EQ(r1["currentPage"].GetInt(), 1);
    EXPECT_EQ(r1["pageSize"].GetInt(), 10);
    EXPECT_EQ(r1["totalCount"].GetInt(), 14);
    EXPECT_EQ(r1["totalPage"].GetInt(), 2);
    EXPECT_TRUE(r1["isFirst"].GetBool());
    EXPECT_FALSE(r1["isLast"].GetBool());
    EXPECT_EQ(r1["allowedClusters"].Size(), 10u);
    EXPECT_EQ(names(r1["allowedClusters"]).front(), "logs-01");

    auto second = list(sim, "?pageNo=2");
    const auto& r2 = second["result"];
    EXPECT_FALSE(r2["isFirst"].GetBool());
    EXPECT_TRUE(r2["isLast"].GetBool());
    EXPECT_EQ(names(r2["allowedClusters"]),
              (std::vector<std::string>{"logs-11", "logs-12", "old-one"}));
    EXPECT_EQ(names(r2["disallowedClusters"]), (std::vector<std::string>{"hidden"}));

    auto beyond = list(sim, "?pageNo=3&pageSize=10");
    EXPECT_EQ(beyond["result"]["allowedClusters"].Size(), 0u);
    EXPECT_TRUE(beyond["result"]["isLast"].GetBool());

    auto sgn = list(sim, "?pageSize=5", "/api/sgn-v2");
    EXPECT_EQ(names(sgn["result"]["allowedClusters"]), (std::vector<std::string>{"sgn-logs"}));
    EXPECT_EQ(sgn["result"]["totalPage"].GetInt(), 1);
}

TEST(sim_cluster_list_test, entries_carry_the_cluster_fields) {
    auto sim = fleet();
    auto page = list(sim, "?pageSize=1");
    const auto& c = page["result"]["allowedClusters"][0];
    EXPECT_STREQ(c["serviceGroupInstanceNo"].GetString(), "1001");
    EXPECT_STREQ(c["clusterStatus"].GetString(), "running");
    EXPECT_STREQ(c["searchEngineStatus"].GetString(), "green");
    EXPECT_STREQ(c["searchEngineVersion"].GetString(), "2.14.0");
    EXPECT_STREQ(c["vpcName"].GetString(), "blue");
    EXPECT_EQ(c["managerNodeCount"].GetInt(), 1);
    EXPECT_EQ(c["dataNodeCount"].GetInt(), 1);
    EXPECT_EQ(c["masterNodeCount"].GetInt(), 0);
    EXPECT_EQ(page["result"]["totalPage"].GetInt(), 14);
}

TEST(sim_cluster_list_test, input_text_and_vpc_name_filter_before_paging) {
    auto sim = fleet();
    auto logs1 = list(sim, "?inputText=LOGS-1&pageSize=100");
    EXPECT_EQ(names(logs1["result"]["allowedClusters"]),
              (std::vector<std::string>{"logs-10", "logs-11", "logs-12"}));
    EXPECT_EQ(logs1["result"]["totalCount"].GetInt(), 3);
    auto encoded = list(sim, "?inputText=old%2Done");
    EXPECT_EQ(names(encoded["result"]["allowedClusters"]), (std::vector<std::string>{"old-one"}));
    auto blue = list(sim, "?vpcName=blue&pageSize=100");
    EXPECT_EQ(blue["result"]["totalCount"].GetInt(), 6);
    auto none = list(sim, "?inputText=nothing");
    EXPECT_EQ(none["result"]["totalCount"].GetInt(), 0);
    EXPECT_EQ(none["result"]["totalPage"].GetInt(), 0);
    EXPECT_TRUE(none["result"]["isLast"].GetBool());
}

TEST(sim_cluster_list_test, bad_paging_values_are_the_gateways_400_100) {
    auto sim = fleet();
    for (const char* query :
         {"?pageNo=0", "?pageSize=0", "?pageNo=x", "?pageSize=-3", "?pageSize=1001",
          "?pageNo=1&pageSize=", "?pageNo=99999999999999999999"}) {
        auto r = exchange(sim.port(),
                          {.target = std::string("/api/v2/cluster/getClusterInfoList") + query});
        EXPECT_EQ(r.status, 400) << query;
        EXPECT_NE(r.body.find(R"("errorCode":"100")"), std::string::npos) << query << r.body;
    }
    EXPECT_EQ(
        exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfoList?pageSize=1000"}).status,
        200);
}

TEST(sim_cluster_list_test, clusters_appear_and_disappear_at_their_virtual_times) {
    auto sim = fleet();
    const std::string body_new = R"({"serviceGroupInstanceNo": "2001"})";
    EXPECT_EQ(list(sim, "?inputText=search-new")["result"]["totalCount"].GetInt(), 0);
    EXPECT_EQ(list(sim, "?inputText=old-one")["result"]["totalCount"].GetInt(), 1);
    EXPECT_EQ(sim.progress("/api/v2", body_new).status, 400);
    EXPECT_EQ(exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfo/2001"}).status, 400);

    sim.advance(600);
    EXPECT_EQ(list(sim, "?inputText=search-new")["result"]["totalCount"].GetInt(), 1);
    EXPECT_EQ(list(sim, "?inputText=old-one")["result"]["totalCount"].GetInt(), 0);
    EXPECT_EQ(sim.progress("/api/v2", body_new).status, 200);
    auto gone = sim.progress("/api/v2", R"({"serviceGroupInstanceNo": "2002"})");
    EXPECT_EQ(gone.status, 400);
    EXPECT_NE(gone.body.find(std::to_string(code_cluster_not_found)), std::string::npos);
    auto state = exchange(sim.port(), {.target = "/_sim/state"}).body;
    EXPECT_NE(
        state.find(
            R"("instance_no":"2002","phase":"idle","cluster_status":"running","version_code":"2140","present":false)"),
        std::string::npos)
        << state;
}

TEST(sim_cluster_list_test, disallowed_clusters_are_listed_apart_and_refused) {
    auto sim = fleet();
    auto r = sim.progress("/api/v2", R"({"serviceGroupInstanceNo": "2003"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find(std::to_string(code_cluster_not_allowed)), std::string::npos);
    EXPECT_EQ(exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfo/2003"}).status, 400);
}

TEST(sim_cluster_list_test, cluster_info_lists_the_nodes) {
    auto sim = fleet();
    auto r = exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfo/1002"});
    ASSERT_EQ(r.status, 200);
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    EXPECT_STREQ(doc["result"]["clusterName"].GetString(), "logs-02");
    EXPECT_STREQ(doc["result"]["searchEngineVersionCode"].GetString(), "2140");
    ASSERT_EQ(doc["result"]["clusterNodeList"].Size(), 2u);
    EXPECT_STREQ(doc["result"]["clusterNodeList"][1]["hostName"].GetString(), "logs-02-b");
}

TEST(sim_cluster_list_test, a_fault_limited_to_one_page_hits_only_that_page) {
    auto sim = fleet();
    auto set = exchange(
        sim.port(),
        {.method = "POST",
         .target = "/_sim/faults",
         .body = R"({"faults":[{"kind":"gateway_error","status":503,"route":"list","page":2}]})"});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(
        exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfoList?pageNo=1"}).status,
        200);
    EXPECT_EQ(
        exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfoList?pageNo=2"}).status,
        503);
    EXPECT_EQ(sim.progress("/api/v2", R"({"serviceGroupInstanceNo": "1001"})").status, 200);
}

TEST(sim_cluster_list_test, generated_clusters_are_listed_and_described) {
    auto s = test::scenario_from(fleet_yaml(), test::kst("2030-01-01 00:00:00"));
    add_generated_clusters(s, 25);
    simulator_options o;
    o.time_scale = 0;
    running_sim sim(std::move(s), o);
    auto page = list(sim, "?inputText=gen-&pageSize=10&pageNo=3");
    EXPECT_EQ(page["result"]["totalCount"].GetInt(), 25);
    EXPECT_EQ(names(page["result"]["allowedClusters"]).front(), "gen-00021");
    auto info = exchange(sim.port(), {.target = "/api/v2/cluster/getClusterInfo/9000025"});
    EXPECT_EQ(info.status, 200);
    EXPECT_NE(info.body.find(R"("clusterName":"gen-00025")"), std::string::npos);
}

}  // namespace
}  // namespace sesmon::sim
