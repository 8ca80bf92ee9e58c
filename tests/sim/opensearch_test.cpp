// The simulated clusters' own OpenSearch endpoints (opensearch_play, opensearch_service) and
// the API routes of preflight and from_api (getClusterNodeList, getSearchEngineVersionList,
// rollingUpgradePreCheck, getClusterInfo's port): what they show as the scripted upgrade
// plays, the scenario keys and runtime controls that change it, and their checks.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "common/crypto.hpp"
#include "sim/opensearch_play.hpp"
#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

using test::exchange;
using test::running_sim;

// logs: M, D-1, D-2 upgrading one after another, 2 min per node, from +1m; recovery 1m.
const std::string opensearch_yaml = R"(start: "2025-03-24 17:00:00"
clusters:
  - name: logs
    instance_no: "1037001"
    version: "2140"
    nodes: [{hostname: logs-m, role: M}, {hostname: logs-d-1, role: D}, {hostname: logs-d-2, role: DO}]
    upgrade:
      start: "+1m"
      target_version: "2150"
      stages: [{name: Upgrade_OpenSearch, duration: 2m}]
    opensearch:
      username: admin
      password: os-secret
      shards_per_node: 4
      recovery: 1m
      red: [{from: "+30m", until: "+31m"}]
      stuck_recovery: {node: logs-d-2, percent: 40}
  - name: plain
    instance_no: "1037002"
    version: "2190"
    nodes: [{hostname: plain-1, role: D}]
)";

wall_time start() {
    return test::kst("2025-03-24 17:00:00");
}

opensearch_state at(const scenario& s, std::chrono::seconds offset) {
    const cluster_spec& c = s.clusters[0];
    const wall_time now = start() + offset;
    return play_opensearch(c, *c.opensearch, play(c, now), now, {});
}

std::vector<std::string> listed(const opensearch_state& s) {
    std::vector<std::string> out;
    for (const auto& n : s.reading.nodes)
        out.push_back(n.name + "@" + n.version);
    return out;
}

TEST(sim_opensearch_test, the_view_follows_the_upgrade) {
    const scenario s = test::scenario_from(opensearch_yaml, start());
    // Before: every node on the old version, green.
    auto before = at(s, std::chrono::seconds(30));
    EXPECT_EQ(before.reading.health, "green");
    EXPECT_EQ(listed(before),
              (std::vector<std::string>{"logs-m@2.14.0", "logs-d-1@2.14.0", "logs-d-2@2.14.0"}));
    // The manager restarts: away, but it holds no shards.
    auto manager = at(s, std::chrono::seconds(90));
    EXPECT_EQ(listed(manager), (std::vector<std::string>{"logs-d-1@2.14.0", "logs-d-2@2.14.0"}));
    EXPECT_EQ(manager.reading.health, "green");
    // logs-d-1 restarting (from +3m): its 4 copies unassigned.
    auto d1 = at(s, std::chrono::seconds(4 * 60));
    EXPECT_EQ(d1.reading.health, "yellow");
    EXPECT_EQ(d1.reading.shards, (shard_counts{0, 0, 4}));
    EXPECT_EQ(listed(d1), (std::vector<std::string>{"logs-m@2.15.0", "logs-d-2@2.14.0"}));
    // logs-d-1 back at +5m: 4 recoveries, half way 30 s later.
    auto recovering = at(s, std::chrono::seconds(5 * 60 + 30));
    EXPECT_EQ(recovering.reading.shards.initializing, 4);
    ASSERT_EQ(recovering.reading.recoveries.size(), 4u);
    EXPECT_DOUBLE_EQ(recovering.reading.recoveries[0].bytes_percent, 50);
    // logs-d-2's recovery stops at 40 % for good.
    auto stuck = at(s, std::chrono::hours(2));
    EXPECT_EQ(stuck.reading.health, "yellow");
    ASSERT_EQ(stuck.reading.recoveries.size(), 4u);
    EXPECT_DOUBLE_EQ(stuck.reading.recoveries[0].bytes_percent, 40);
    EXPECT_EQ(stuck.reading.recoveries[0].target_node, "logs-d-2");
    // A red window: red, one primary unassigned.
    auto red = at(s, std::chrono::minutes(30) + std::chrono::seconds(10));
    EXPECT_EQ(red.reading.health, "red");
    EXPECT_GE(red.reading.shards.unassigned, 1);
    // The snapshot is fresh unless the scenario says otherwise.
    ASSERT_TRUE(red.snapshot_end);
    EXPECT_EQ(*red.snapshot_end, start() + std::chrono::minutes(30) + std::chrono::seconds(10) -
                                     std::chrono::minutes(30));
}

TEST(sim_opensearch_test, bad_scenario_keys_are_refused_with_their_position) {
    const auto error_of = [](const std::string& os) {
        try {
            test::scenario_from(
                "clusters:\n  - {name: a, instance_no: \"1\", version: \"2140\", "
                "nodes: [{hostname: n}], opensearch: " +
                    os + "}\n",
                start());
        } catch (const scenario_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(error_of("{username: u}").find("both username and password"), std::string::npos);
    EXPECT_NE(error_of("{stuck_recovery: {node: nope}}").find("unknown node \"nope\""),
              std::string::npos);
    EXPECT_NE(error_of("{absent_nodes: [x]}").find("unknown node \"x\""), std::string::npos);
    EXPECT_NE(error_of("{red: [{from: \"+5m\", until: \"+1m\"}]}").find("later than from"),
              std::string::npos);
    EXPECT_NE(error_of("{colour: red}").find("unknown key \"colour\""), std::string::npos);
    EXPECT_EQ(error_of("{snapshot: none, unreachable: [{from: \"+1m\"}]}"), "");
}

class sim_endpoint_test : public ::testing::Test {
  protected:
    sim_endpoint_test() : sim_(make()) {}
    static running_sim make() {
        simulator_options o;
        o.time_scale = 0;
        return running_sim(test::scenario_from(opensearch_yaml, start()), o);
    }
    test::client_result get(const std::string& path, bool auth = true) {
        test::client_call call{.target = path};
        if (auth)
            call.headers.emplace_back("Authorization",
                                      "Basic " + common::base64_encode("admin:os-secret"));
        return exchange(sim_.opensearch_port("1037001"), call);
    }
    void control(const std::string& body) {
        const auto r =
            exchange(sim_.port(), {.method = "POST", .target = "/_sim/opensearch", .body = body});
        ASSERT_EQ(r.status, 200) << r.body;
    }
    rapidjson::Document json(const test::client_result& r) {
        rapidjson::Document d;
        d.Parse(r.body.c_str());
        return d;
    }
    running_sim sim_;
};

TEST_F(sim_endpoint_test, each_cluster_with_a_view_has_a_listener_behind_basic_auth) {
    ASSERT_NE(sim_.opensearch_port("1037001"), 0);
    EXPECT_EQ(sim_.opensearch_port("1037002"), 0);  // no opensearch: section
    EXPECT_EQ(get("/_cluster/health", false).status, 401);
    test::client_call wrong{.target = "/_cluster/health"};
    wrong.headers.emplace_back("Authorization", "Basic " + common::base64_encode("admin:x"));
    EXPECT_EQ(exchange(sim_.opensearch_port("1037001"), wrong).status, 401);
    const auto health = get("/_cluster/health");
    ASSERT_EQ(health.status, 200) << health.body;
    EXPECT_STREQ(json(health)["status"].GetString(), "green");
    const auto nodes = get("/_cat/nodes?h=name,version&format=json");
    ASSERT_EQ(nodes.status, 200);
    EXPECT_EQ(json(nodes).Size(), 3u);
    EXPECT_EQ(get("/_cat/recovery?active_only=true&format=json&bytes=b").body, "[]");
    EXPECT_EQ(get("/_cat/snapshots?format=json").status, 200);
    EXPECT_EQ(get("/_snapshot/_all/_all").status, 200);
    EXPECT_EQ(get("/_nodes/stats").status, 404);

    // /_sim/state counts what each endpoint received (refused requests too; paths it does
    // not serve are not counted).
    const auto state = json(exchange(sim_.port(), {.target = "/_sim/state"}));
    const auto& requests = state["clusters"][0]["opensearch"]["requests"];
    EXPECT_EQ(requests["/_cluster/health"].GetUint64(), 3u);  // 2 refused
    EXPECT_EQ(requests["/_cat/nodes"].GetUint64(), 1u);
    EXPECT_EQ(requests["/_cat/recovery"].GetUint64(), 1u);
    EXPECT_EQ(requests["/_cat/snapshots"].GetUint64(), 1u);
    EXPECT_EQ(requests["/_snapshot/_all/_all"].GetUint64(), 1u);
    EXPECT_EQ(requests.MemberCount(), 5u);
}

TEST_F(sim_endpoint_test, runtime_controls_make_it_red_stuck_old_or_unreachable) {
    control(R"({"cluster":"1037001","health":"red"})");
    EXPECT_STREQ(json(get("/_cluster/health"))["status"].GetString(), "red");
    control(R"({"cluster":"1037001","health":"auto","snapshot":"-8h"})");
    EXPECT_STREQ(json(get("/_cluster/health"))["status"].GetString(), "green");
    const auto snaps = json(get("/_cat/snapshots?format=json"));
    ASSERT_EQ(snaps.Size(), 1u);
    const long long end = std::stoll(snaps[0]["end_epoch"].GetString());
    EXPECT_EQ(end, (start() - std::chrono::hours(8)).time_since_epoch().count());
    control(R"({"cluster":"1037001","snapshot":"none"})");
    EXPECT_EQ(json(get("/_cat/snapshots?format=json")).Size(), 0u);
    control(R"({"cluster":"1037001","unreachable":true})");
    EXPECT_TRUE(get("/_cluster/health").ec) << "a reset connection";
    control(R"({"cluster":"1037001","unreachable":false})");
    EXPECT_EQ(get("/_cluster/health").status, 200);

    // Recovery frozen where it is: logs-d-1 rejoined at +5m; 15 s later it is at 25 %.
    ASSERT_EQ(sim_.advance(5 * 60 + 15).status, 200);
    control(R"({"cluster":"1037001","recovery":"stuck"})");
    ASSERT_EQ(sim_.advance(600).status, 200);
    // (logs-d-2 rejoined meanwhile, at +7m: its recovery begins and stays at 0 %.)
    const auto frozen = json(get("/_cat/recovery?active_only=true&format=json&bytes=b"));
    ASSERT_EQ(frozen.Size(), 8u);
    for (const auto& r : frozen.GetArray()) {
        EXPECT_STREQ(r["bytes_percent"].GetString(),
                     std::string(r["target_node"].GetString()) == "logs-d-1" ? "25.0%" : "0.0%");
    }

    const auto bad = exchange(sim_.port(), {.method = "POST",
                                            .target = "/_sim/opensearch",
                                            .body = R"({"cluster":"1037002","health":"red"})"});
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("has no OpenSearch endpoint"), std::string::npos);
}

TEST_F(sim_endpoint_test, api_routes_name_the_endpoint_and_offer_versions) {
    const auto info =
        json(exchange(sim_.port(), {.target = "/api/v2/cluster/getClusterInfo/1037001"}));
    EXPECT_EQ(std::string(info["result"]["searchEnginePort"].GetString()),
              std::to_string(sim_.opensearch_port("1037001")));
    EXPECT_STREQ(info["result"]["searchEngineUserName"].GetString(), "admin");
    const auto nodes =
        json(exchange(sim_.port(), {.target = "/api/v2/cluster/getClusterNodeList/1037001"}));
    ASSERT_EQ(nodes["result"]["computeList"].Size(), 3u);
    EXPECT_STREQ(nodes["result"]["computeList"][0]["privateIp"].GetString(), "127.0.0.1");
    const auto versions =
        json(exchange(sim_.port(), {.target = "/api/v2/cluster/getSearchEngineVersionList"}));
    const auto& list = versions["result"]["searchEngineVersionList"];
    ASSERT_GE(list.Size(), 6u);
    EXPECT_STREQ(list[0]["searchEngineVersionCode"].GetString(), "2110");
    EXPECT_STREQ(list[0]["searchEngineVersionName"].GetString(), "OpenSearch 2.11.0");
    EXPECT_EQ(exchange(sim_.port(), {.target = "/api/v2/cluster/getClusterNodeList/999"}).status,
              400);
}

TEST_F(sim_endpoint_test, the_precheck_says_yes_or_why_not) {
    const auto ask = [&](const std::string& instance, const std::string& target) {
        const auto r = exchange(sim_.port(), {.method = "POST",
                                              .target = "/api/v2/cluster/rollingUpgradePreCheck",
                                              .body = R"({"serviceGroupInstanceNo":")" + instance +
                                                      R"(","targetVersionCode":")" + target + "\"}",
                                              .headers = {{"Content-Type", "application/json"}}});
        rapidjson::Document d;
        d.Parse(r.body.c_str());
        return std::make_pair(r.status, std::move(d));
    };
    auto [ok_status, ok] = ask("1037001", "2190");
    EXPECT_EQ(ok_status, 200);
    EXPECT_TRUE(ok["result"].IsBool() && ok["result"].GetBool());
    EXPECT_STREQ(ok["message"].GetString(), "SUCCESS");

    auto [s1, skip] = ask("1037001", "3010");  // 2.14 → 3.1: 3.x needs 2.19 first
    EXPECT_TRUE(skip["result"].IsNull());
    EXPECT_NE(std::string(skip["message"].GetString()).find("3.x needs 2.19.0"), std::string::npos);
    auto [s2, direct] = ask("1037002", "3010");  // 2.19 → 3.1: fine
    EXPECT_TRUE(direct["result"].IsBool());

    control(R"({"cluster":"1037001","snapshot":"-7h"})");
    auto [s3, old] = ask("1037001", "2190");
    EXPECT_NE(std::string(old["message"].GetString()).find("No snapshot"), std::string::npos);
    control(R"({"cluster":"1037001","snapshot":"fresh"})");

    ASSERT_EQ(sim_.advance(90).status, 200);  // upgrading now
    auto [s4, busy] = ask("1037001", "2190");
    EXPECT_NE(std::string(busy["message"].GetString()).find("changing"), std::string::npos);

    auto [s5, missing] = ask("1037001", "");
    EXPECT_EQ(s5, 400);
    EXPECT_EQ(missing["code"].GetInt(), code_target_version_required);
}

}  // namespace
}  // namespace sesmon::sim
