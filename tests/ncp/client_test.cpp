// ncp::client over the real https_client against the scripted TLS server: what goes on the
// wire, and how each kind of answer comes back.
#include "ncp/client.hpp"

#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "ncp/signer.hpp"
#include "net/https_client.hpp"
#include "support/fixtures.hpp"
#include "support/run_awaitable.hpp"
#include "support/scripted_server.hpp"

namespace sesmon::ncp {
namespace {

using test::scripted_reply;

std::string seed_body() {
    return test::read_fixture("seed_response.json");
}

class client_test : public testing::api_fixture {
  protected:
    progress_result fetch(client& c, cluster_target target) {
        return test::run_awaitable(ioc_, c.fetch_progress(std::move(target)));
    }
    cluster_list_result fetch_page(client& c, std::string region, int page_no, int page_size) {
        return test::run_awaitable(ioc_,
                                   c.fetch_cluster_page(std::move(region), page_no, page_size));
    }
};

TEST_F(client_test, sends_a_signed_post_and_parses_the_seed_response) {
    server_.push({.body = seed_body()});
    client c(http_, config(), [] { return std::int64_t{1709704983976}; });

    const auto r = fetch(c, {"1037123", "SGN"});

    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->nodes.size(), 8u);
    const auto request = server_.requests().at(0);
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/api/sgn-v2/cluster/getRollingUpgradeProgress");
    EXPECT_EQ(request.body, R"({"regionNo":"7","serviceGroupInstanceNo":"1037123"})");
    EXPECT_EQ(request.header("Content-Type"), "application/json");
    EXPECT_EQ(request.header("x-ncp-apigw-timestamp"), "1709704983976");
    EXPECT_EQ(request.header("x-ncp-iam-access-key"), "AKEXAMPLE");
    EXPECT_EQ(request.header("x-ncp-apigw-signature-v2"),
              sign_v2("POST", request.target, 1709704983976, "AKEXAMPLE", "SKEXAMPLE-never-shown"));
}

TEST_F(client_test, every_attempt_gets_a_fresh_timestamp_and_signature) {
    server_.push({.body = seed_body()});
    server_.push({.body = seed_body()});
    std::int64_t now = 1000;
    client c(http_, config(), [&] { return now += 1000; });

    ASSERT_TRUE(fetch(c, {"1", ""}));
    ASSERT_TRUE(fetch(c, {"1", ""}));

    const auto requests = server_.requests();
    EXPECT_EQ(requests.at(0).header("x-ncp-apigw-timestamp"), "2000");
    EXPECT_EQ(requests.at(1).header("x-ncp-apigw-timestamp"), "3000");
    EXPECT_NE(requests.at(0).header("x-ncp-apigw-signature-v2"),
              requests.at(1).header("x-ncp-apigw-signature-v2"));
    EXPECT_EQ(requests.at(0).target, "/api/v2/cluster/getRollingUpgradeProgress");  // api.region
}

TEST_F(client_test, gateway_401_is_an_auth_error_without_secrets) {
    server_.push({.status = 401,
                  .headers = {{"Date", "Thu, 01 Jan 1970 00:00:00 GMT"}},
                  .body = R"({"error":{"errorCode":"200","message":"Authentication Failed"}})"});
    client c(http_, config(), [] { return std::int64_t{1709704983976}; });

    const auto r = fetch(c, {"1", "KR"});

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, api_error_kind::auth);
    EXPECT_EQ(r.error().http_status, 401);
    EXPECT_TRUE(r.error().clock_skew_suspected);
    EXPECT_EQ(r.error().message.find("SKEXAMPLE"), std::string::npos);
    EXPECT_EQ(r.error().message.find("AKEXAMPLE"), std::string::npos);
}

TEST_F(client_test, service_error_on_http_200) {
    server_.push({.body = R"({"code":5001,"message":"no such cluster"})"});
    client c(http_, config());
    const auto r = fetch(c, {"1", "KR"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, api_error_kind::service);
}

TEST_F(client_test, garbage_body_is_invalid_response_with_status) {
    server_.push({.body = R"({"code":0,"result":{"nodeStatusVoList":[{"hostname":1}]}})"});
    client c(http_, config());
    const auto r = fetch(c, {"1", "KR"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, api_error_kind::invalid_response);
    EXPECT_EQ(r.error().http_status, 200);
}

TEST_F(client_test, network_failure_is_a_network_error) {
    server_.push({.action = scripted_reply::kind::close});
    client c(http_, config());
    const auto r = fetch(c, {"1", "KR"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, api_error_kind::network);
    EXPECT_EQ(r.error().message.rfind("API unreachable: ", 0), 0u) << r.error().message;
}

TEST_F(client_test, cluster_page_is_a_signed_get_with_the_query_in_the_signature) {
    server_.push({.body = R"({"code":0,"result":{"currentPage":3,"totalPage":3,"isLast":true,
        "allowedClusters":[{"serviceGroupInstanceNo":"7","clusterName":"logs"}]}})"});
    client c(http_, config(), [] { return std::int64_t{1709704983976}; });

    const auto r = fetch_page(c, "JPN", 3, 10);

    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->allowed.size(), 1u);
    EXPECT_EQ(r->allowed[0].name, "logs");
    const auto request = server_.requests().at(0);
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/api/jpn-v2/cluster/getClusterInfoList?pageNo=3&pageSize=10");
    EXPECT_TRUE(request.body.empty());
    EXPECT_EQ(request.header("x-ncp-apigw-signature-v2"),
              sign_v2("GET", request.target, 1709704983976, "AKEXAMPLE", "SKEXAMPLE-never-shown"));
}

TEST_F(client_test, cluster_page_errors_are_classified_like_progress_errors) {
    server_.push({.status = 429,
                  .headers = {{"Retry-After", "7"}},
                  .body = R"({"error":{"errorCode":"420","message":"Rate Limited"}})"});
    server_.push({.body = R"({"code":0,"result":{"allowedClusters":"none"}})"});
    client c(http_, config());

    const auto throttled = fetch_page(c, "", 1, 10);
    ASSERT_FALSE(throttled);
    EXPECT_EQ(throttled.error().kind, api_error_kind::throttled);
    EXPECT_EQ(throttled.error().retry_after, std::chrono::seconds(7));
    const auto malformed = fetch_page(c, "", 1, 10);
    ASSERT_FALSE(malformed);
    EXPECT_EQ(malformed.error().kind, api_error_kind::invalid_response);
    EXPECT_EQ(malformed.error().http_status, 200);
    EXPECT_EQ(server_.requests().at(1).target,
              "/api/v2/cluster/getClusterInfoList?pageNo=1&pageSize=10");  // api.region
}

TEST_F(client_test, region_unknown_to_the_site_is_reported_without_a_request) {
    auto cfg = config();
    cfg.site = api_site::fin;
    client c(http_, cfg);
    const auto r = fetch(c, {"1", "JPN"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, api_error_kind::bad_request);
    EXPECT_TRUE(server_.requests().empty());
}

}  // namespace
}  // namespace sesmon::ncp
