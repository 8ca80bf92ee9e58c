// The SES routes of `preflight` and `opensearch.from_api` (getClusterInfo,
// getClusterNodeList, getSearchEngineVersionList, rollingUpgradePreCheck) through ncp::client
// against the scripted TLS server: what goes on the wire, each documented and tolerated
// answer shape, and which answers are verdicts and which are failures.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "ncp/client.hpp"
#include "ncp/details_parser.hpp"
#include "net/https_client.hpp"
#include "support/run_awaitable.hpp"
#include "support/scripted_server.hpp"

namespace sesmon::ncp {
namespace {

class details_client_test : public testing::api_fixture {
  protected:
    client client_{http_, config(), [] { return std::int64_t{1709704983976}; }};
};

TEST_F(details_client_test, cluster_info_is_a_signed_get_with_the_instance_in_the_path) {
    server_.push({.body = R"({"code":0,"message":"SUCCESS","result":{
        "serviceGroupInstanceNo":"1037001","clusterName":"logs","clusterStatus":"running",
        "searchEngineVersionCode":"2140","searchEngineUserName":"admin",
        "searchEnginePort":9200,"searchEngineDashboardPort":"15601"}})"});
    const auto info = test::run_awaitable(ioc_, client_.fetch_cluster_info({"1037001", "JPN"}));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->name, "logs");
    EXPECT_EQ(info->status, "running");
    EXPECT_EQ(info->version_code, "2140");
    EXPECT_EQ(info->user_name, "admin");
    EXPECT_EQ(info->port, "9200");  // a number where text is documented: taken
    EXPECT_EQ(info->dashboard_port, "15601");
    const auto r = server_.requests().at(0);
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/api/jpn-v2/cluster/getClusterInfo/1037001");
    EXPECT_FALSE(r.header("x-ncp-apigw-signature-v2").empty());
}

TEST_F(details_client_test, node_addresses_come_from_any_list_in_the_result) {
    server_.push({.body = R"({"code":0,"result":{"serviceGroupInstanceNo":1037001,
        "computeList":[{"computeInstanceName":"logs-d-1","nodeRoleCode":"D","privateIp":"10.0.1.11"},
                       {"serverName":"logs-m-1","nodeRole":"M"}]}})"});
    server_.push(
        {.body = R"({"code":0,"result":[{"hostName":"a","privateIpAddress":"10.0.0.9"}]})"});
    server_.push({.body = R"({"code":0,"result":{"clusterName":"empty"}})"});
    const auto listed = test::run_awaitable(ioc_, client_.fetch_node_addresses({"1037001", ""}));
    ASSERT_TRUE(listed) << listed.error().message;
    EXPECT_EQ(*listed, (std::vector<cluster_node_address>{{"logs-d-1", "D", "10.0.1.11"},
                                                          {"logs-m-1", "M", ""}}));
    EXPECT_EQ(server_.requests().at(0).target, "/api/v2/cluster/getClusterNodeList/1037001");
    const auto bare = test::run_awaitable(ioc_, client_.fetch_node_addresses({"1037001", ""}));
    ASSERT_TRUE(bare) << bare.error().message;
    EXPECT_EQ(*bare, (std::vector<cluster_node_address>{{"a", "", "10.0.0.9"}}));
    const auto none = test::run_awaitable(ioc_, client_.fetch_node_addresses({"1037001", ""}));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST_F(details_client_test, version_list_is_read_from_its_documented_member) {
    server_.push({.body = R"({"code":0,"message":"SUCCESS","result":{"searchEngineVersionList":[
        {"searchEngineVersionCode":"2140","searchEngineVersionName":"OpenSearch 2.14.0",
         "searchEngineDashboardVersionName":"OpenSearch Dashboards 2.14.0","type":"OpenSearch"},
        {"searchEngineVersionCode":"2190","searchEngineVersionName":"OpenSearch 2.19.0"},
        {"searchEngineVersionName":"no code: left out"}]},"requestId":"r"})"});
    const auto versions = test::run_awaitable(ioc_, client_.fetch_version_list(""));
    ASSERT_TRUE(versions) << versions.error().message;
    ASSERT_EQ(versions->size(), 2u);
    EXPECT_EQ((*versions)[0].dashboard_name, "OpenSearch Dashboards 2.14.0");
    EXPECT_EQ((*versions)[1].code, "2190");
    EXPECT_EQ(server_.requests().at(0).target, "/api/v2/cluster/getSearchEngineVersionList");
}

TEST_F(details_client_test, precheck_posts_the_target_and_reads_the_verdict) {
    server_.push({.body = R"({"code":0,"message":"SUCCESS","result":true,"requestId":"r"})"});
    const auto passed = test::run_awaitable(ioc_, client_.precheck({"1037001", "KR"}, "2150"));
    ASSERT_TRUE(passed) << passed.error().message;
    EXPECT_TRUE(passed->passed);
    EXPECT_EQ(passed->message, "SUCCESS");
    const auto r = server_.requests().at(0);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/api/v2/cluster/rollingUpgradePreCheck");
    EXPECT_EQ(r.body,
              R"({"regionNo":"1","serviceGroupInstanceNo":"1037001","targetVersionCode":"2150"})");
}

TEST_F(details_client_test, a_refusal_is_a_verdict_in_either_envelope_shape) {
    // As documented: result null and the reason in message.
    server_.push({.body = R"({"code":0,"message":"No snapshot within 6 hours","result":null})"});
    // A service code on HTTP 400: the service looked at it and said no, too.
    server_.push(
        {.status = 400, .body = R"({"code":11050,"message":"Not an adjacent major version"})"});
    const auto snapshot = test::run_awaitable(ioc_, client_.precheck({"1037001", ""}, "2150"));
    ASSERT_TRUE(snapshot) << snapshot.error().message;
    EXPECT_FALSE(snapshot->passed);
    EXPECT_EQ(snapshot->message, "No snapshot within 6 hours");
    const auto major = test::run_awaitable(ioc_, client_.precheck({"1037001", ""}, "3010"));
    ASSERT_TRUE(major) << major.error().message;
    EXPECT_FALSE(major->passed);
    EXPECT_EQ(major->code, "11050");
    EXPECT_EQ(major->message, "Not an adjacent major version");
}

TEST_F(details_client_test, a_precheck_that_could_not_be_asked_is_an_error) {
    server_.push({.status = 401,
                  .body = R"({"error":{"errorCode":"200","message":"Authentication Failed"}})"});
    server_.push({.status = 503, .body = R"({"error":{"errorCode":"500"}})"});
    server_.push({.body = "<html>proxy</html>"});
    const auto auth = test::run_awaitable(ioc_, client_.precheck({"1037001", ""}, "2150"));
    ASSERT_FALSE(auth);
    EXPECT_EQ(auth.error().kind, api_error_kind::auth);
    EXPECT_EQ(auth.error().message.find("SKEXAMPLE"), std::string::npos);
    const auto down = test::run_awaitable(ioc_, client_.precheck({"1037001", ""}, "2150"));
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().kind, api_error_kind::server);
    const auto garbage = test::run_awaitable(ioc_, client_.precheck({"1037001", ""}, "2150"));
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().kind, api_error_kind::invalid_response);
}

}  // namespace
}  // namespace sesmon::ncp
