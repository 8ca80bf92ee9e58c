// opensearch::reader over the real https_client against scripted servers: the three reads,
// Basic authentication, failover between addresses, and errors that name no credential.
#include "opensearch/reader.hpp"

#include <gtest/gtest.h>

#include "net/https_client.hpp"
#include "support/run_awaitable.hpp"
#include "support/scripted_server.hpp"

namespace sesmon::opensearch {
namespace {

using test::scripted_reply;

const std::string health = R"({"status":"yellow","number_of_nodes":2,"initializing_shards":1,
    "relocating_shards":0,"unassigned_shards":3})";
const std::string nodes = R"([{"name":"logs-d-1","version":"2.15.0"}])";
const std::string recovery =
    R"([{"index":"logs","shard":"0","stage":"index","target_node":"logs-d-1",
    "bytes_percent":"40.0%","bytes_recovered":"400","bytes_total":"1000"}])";

class reader_test : public ::testing::Test {
  protected:
    access to(std::vector<std::string> urls, std::string user = "monitor") const {
        access a;
        a.base_urls = std::move(urls);
        a.username = std::move(user);
        a.password = secret("pw-CANARY-0s", "test");
        a.timeout = std::chrono::seconds(2);
        return a;
    }

    boost::asio::io_context ioc_;
    net::https_client http_{ioc_.get_executor()};
};

TEST_F(reader_test, one_read_is_health_nodes_and_active_recoveries_with_basic_auth) {
    test::scripted_server server;
    server.push({.body = health});
    server.push({.body = nodes});
    server.push({.body = recovery});
    reader r(http_, to({server.base_url() + "/prefix"}));
    const wall_time now{std::chrono::seconds(1800000000)};
    const auto out = test::run_awaitable(ioc_, r.read(now));
    ASSERT_TRUE(out.reading) << out.error;
    EXPECT_EQ(out.reading->read_at, now);
    EXPECT_EQ(out.reading->health, "yellow");
    EXPECT_EQ(out.reading->shards, (shard_counts{1, 0, 3}));
    EXPECT_EQ(out.reading->nodes, (std::vector<opensearch_node>{{"logs-d-1", "2.15.0"}}));
    ASSERT_EQ(out.reading->recoveries.size(), 1u);
    EXPECT_EQ(out.reading->recoveries[0].bytes_recovered, 400);
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0].target, "/prefix/_cluster/health");
    EXPECT_EQ(requests[1].target, "/prefix/_cat/nodes?h=name,version&format=json");
    EXPECT_EQ(requests[2].target, "/prefix/_cat/recovery?active_only=true&format=json&bytes=b");
    // base64("monitor:pw-CANARY-0s")
    EXPECT_EQ(requests[0].header("Authorization"), "Basic bW9uaXRvcjpwdy1DQU5BUlktMHM=");
}

TEST_F(reader_test, no_user_sends_no_authorization) {
    test::scripted_server server;
    server.push({.body = health});
    server.push({.body = nodes});
    server.push({.body = "[]"});
    reader r(http_, to({server.base_url()}, ""));
    const auto out = test::run_awaitable(ioc_, r.read(wall_time{}));
    ASSERT_TRUE(out.reading) << out.error;
    EXPECT_EQ(server.requests().at(0).header("Authorization"), "");
}

TEST_F(reader_test, an_unreachable_address_fails_over_and_the_one_that_answered_stays_first) {
    test::scripted_server live;
    live.set_handler([](const test::recorded_request& r) {
        if (r.target.starts_with("/_cluster"))
            return scripted_reply{.body = health};
        if (r.target.starts_with("/_cat/nodes"))
            return scripted_reply{.body = nodes};
        return scripted_reply{.body = "[]"};
    });
    // 127.0.0.1:1 refuses connections: a node that is restarting.
    reader r(http_, to({"http://127.0.0.1:1", live.base_url()}));
    const auto first = test::run_awaitable(ioc_, r.read(wall_time{}));
    ASSERT_TRUE(first.reading) << first.error;
    const auto second = test::run_awaitable(ioc_, r.read(wall_time{}));
    ASSERT_TRUE(second.reading) << second.error;
    EXPECT_EQ(live.requests().size(), 6u);
}

TEST_F(reader_test, every_address_down_is_one_line_naming_them_and_no_credential) {
    reader r(http_, to({"http://127.0.0.1:1", "http://127.0.0.1:2"}));
    const auto out = test::run_awaitable(ioc_, r.read(wall_time{}));
    ASSERT_FALSE(out.reading);
    EXPECT_TRUE(out.error.starts_with("OpenSearch unreachable: ")) << out.error;
    EXPECT_NE(out.error.find("127.0.0.1:1"), std::string::npos) << out.error;
    EXPECT_NE(out.error.find("127.0.0.1:2"), std::string::npos) << out.error;
    EXPECT_EQ(out.error.find("CANARY"), std::string::npos) << out.error;
    EXPECT_EQ(out.error.find('\n'), std::string::npos) << out.error;
}

TEST_F(reader_test, wrong_credentials_say_what_to_check_and_do_not_fail_over) {
    test::scripted_server a;
    test::scripted_server b;
    a.push({.status = 401, .body = R"({"error":"unauthorized"})"});
    reader r(http_, to({a.base_url(), b.base_url()}));
    const auto out = test::run_awaitable(ioc_, r.read(wall_time{}));
    ASSERT_FALSE(out.reading);
    EXPECT_EQ(out.error, "HTTP 401 from " + a.base_url() +
                             " for /_cluster/health: authentication failed, check "
                             "opensearch.username and password_file");
    EXPECT_TRUE(b.requests().empty());
}

TEST_F(reader_test, a_timeout_ends_the_read_at_its_deadline) {
    test::scripted_server server;
    server.push({.action = scripted_reply::kind::hang});
    access a = to({server.base_url()});
    a.timeout = std::chrono::milliseconds(300);
    reader r(http_, a);
    const auto started = std::chrono::steady_clock::now();
    const auto out = test::run_awaitable(ioc_, r.read(wall_time{}));
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(out.reading);
    EXPECT_GE(took, std::chrono::milliseconds(250));
    EXPECT_LT(took, std::chrono::seconds(5));  // 300 ms deadline; slack for a loaded machine
}

TEST_F(reader_test, snapshots_fall_back_to_the_snapshot_api_when_the_cat_listing_is_refused) {
    test::scripted_server server;
    server.push({.status = 400, .body = R"({"error":"repository is missing"})"});
    server.push({.body = R"({"snapshots":[{"snapshot":"s","state":"SUCCESS",
        "end_time_in_millis":1700000000000}]})"});
    reader r(http_, to({server.base_url()}));
    const auto out = test::run_awaitable(ioc_, r.read_snapshots());
    ASSERT_TRUE(out.snapshots) << out.error;
    ASSERT_EQ(out.snapshots->size(), 1u);
    const auto requests = server.requests();
    EXPECT_EQ(requests.at(0).target, "/_cat/snapshots?format=json");
    EXPECT_EQ(requests.at(1).target, "/_snapshot/_all/_all");
}

}  // namespace
}  // namespace sesmon::opensearch
