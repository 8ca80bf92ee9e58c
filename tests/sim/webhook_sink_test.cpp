#include "sim/webhook_sink.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "common/crypto.hpp"
#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

using test::client_call;
using test::exchange;

std::string sign(const std::string& key_bytes, const std::string& id, const std::string& ts,
                 const std::string& body) {
    return "v1," +
           common::base64_encode(common::hmac_sha256(key_bytes, id + "." + ts + "." + body));
}

TEST(webhook_signature_test, plain_and_whsec_secrets_verify) {
    const std::string body = R"({"type":"upgrade_started"})";
    EXPECT_TRUE(verify_standard_webhook("plain-secret", "msg_1", "1700000000", body,
                                        sign("plain-secret", "msg_1", "1700000000", body)));
    // whsec_: the rest is base64 of the key bytes.
    const std::string key = "\x01\x02secret-bytes\xff";
    auto whsec = "whsec_" + common::base64_encode(key);
    EXPECT_TRUE(verify_standard_webhook(whsec, "msg_1", "1700000000", body,
                                        sign(key, "msg_1", "1700000000", body)));
    EXPECT_FALSE(verify_standard_webhook(whsec, "msg_1", "1700000000", body,
                                         sign(whsec, "msg_1", "1700000000", body)));
}

TEST(webhook_signature_test, any_matching_entry_of_several_is_enough_and_tampering_fails) {
    const std::string body = "{}";
    auto good = sign("k", "id", "1", body);
    EXPECT_TRUE(verify_standard_webhook("k", "id", "1", body, "v1,bogus " + good));
    EXPECT_FALSE(verify_standard_webhook("k", "id", "1", body + " ", good));
    EXPECT_FALSE(verify_standard_webhook("k", "id2", "1", body, good));
    EXPECT_FALSE(verify_standard_webhook("k", "id", "1", body, ""));
    EXPECT_FALSE(verify_standard_webhook("k", "id", "1", body, "v2," + good.substr(3)));
}

class sink_test : public ::testing::Test {
  protected:
    static simulator_options opts() {
        simulator_options o;
        o.time_scale = 0;
        o.webhook_sink = true;
        o.hook_secrets = {{"signed", "whsec_" + common::base64_encode("topsecret")}};
        return o;
    }
    test::running_sim sim_{test::scenario_from("clusters: []\n", {}), opts()};

    test::client_result post(const std::string& name, const std::string& body,
                             const std::string& signature = "") {
        client_call c{.method = "POST", .target = "/hooks/" + name, .body = body};
        c.headers = {{"Content-Type", "application/json"},
                     {"webhook-id", "msg_1"},
                     {"webhook-timestamp", "1700000000"}};
        if (!signature.empty())
            c.headers.emplace_back("webhook-signature", signature);
        return exchange(sim_.port(), c);
    }
    rapidjson::Document received() {
        rapidjson::Document doc;
        doc.Parse(exchange(sim_.port(), {.target = "/_sim/hooks"}).body.c_str());
        return doc;
    }
    void fail(const std::string& json) {
        auto r =
            exchange(sim_.port(), {.method = "POST", .target = "/_sim/hooks/fail", .body = json});
        ASSERT_EQ(r.status, 200) << r.body;
    }
};

TEST_F(sink_test, records_deliveries_with_signature_verdicts) {
    EXPECT_EQ(post("plain", R"({"n":1})").status, 200);
    EXPECT_EQ(
        post("signed", R"({"n":2})", sign("topsecret", "msg_1", "1700000000", R"({"n":2})")).status,
        200);
    EXPECT_EQ(
        post("signed", R"({"n":3})", sign("wrong", "msg_1", "1700000000", R"({"n":3})")).status,
        401);
    auto list = received();
    ASSERT_EQ(list.Size(), 3u);
    EXPECT_STREQ(list[0]["name"].GetString(), "plain");
    EXPECT_TRUE(list[0]["signature_valid"].IsNull());
    EXPECT_STREQ(list[0]["body"].GetString(), R"({"n":1})");
    EXPECT_STREQ(list[0]["headers"]["webhook-id"].GetString(), "msg_1");
    EXPECT_TRUE(list[1]["signature_valid"].GetBool());
    EXPECT_FALSE(list[2]["signature_valid"].GetBool());
    EXPECT_EQ(list[2]["status"].GetInt(), 401);
}

TEST_F(sink_test, failure_window_answers_503_then_recovers_in_virtual_time) {
    fail(R"({"name":"plain","mode":"503","seconds":600})");
    EXPECT_EQ(post("plain", "{}").status, 503);
    EXPECT_EQ(post("other", "{}").status, 200);  // only that name
    sim_.advance(599);
    EXPECT_EQ(post("plain", "{}").status, 503);
    sim_.advance(1);
    EXPECT_EQ(post("plain", "{}").status, 200);
}

TEST_F(sink_test, failure_429_carries_retry_after) {
    fail(R"({"mode":"429","retry_after":5,"seconds":60})");
    auto r = post("any", "{}");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "5");
    fail(R"({"mode":"400","seconds":60})");
    EXPECT_EQ(post("any", "{}").status, 400);
}

TEST_F(sink_test, refuse_closes_without_answering_and_is_recorded) {
    fail(R"({"name":"r","mode":"refuse","seconds":60})");
    auto r = post("r", "{}");
    EXPECT_TRUE(r.ec);
    EXPECT_EQ(r.status, 0);
    auto list = received();
    ASSERT_EQ(list.Size(), 1u);
    EXPECT_EQ(list[0]["status"].GetInt(), 0);
}

TEST_F(sink_test, slow_mode_delays_the_answer) {
    fail(R"({"mode":"slow","delay":0.3,"seconds":60})");
    auto r = post("s", "{}");
    EXPECT_EQ(r.status, 200);
    EXPECT_GE(r.elapsed.count(), 280);
}

TEST_F(sink_test, bad_failure_request_is_rejected_and_clear_forgets) {
    auto r = exchange(sim_.port(), {.method = "POST",
                                    .target = "/_sim/hooks/fail",
                                    .body = R"({"mode":"teapot","seconds":1})"});
    EXPECT_EQ(r.status, 400);
    post("x", "{}");
    exchange(sim_.port(), {.method = "DELETE", .target = "/_sim/hooks"});
    EXPECT_EQ(received().Size(), 0u);
}

TEST(sink_memory_test, keeps_only_the_last_capacity_deliveries) {
    boost::asio::io_context io;
    sesmon::manual_clock real(wall_time{});
    virtual_clock vclock(wall_time{}, 0, real);
    webhook_sink sink({}, vclock, real, 3);
    for (int i = 0; i < 5; ++i) {
        net::server_request req;
        req.method = "POST";
        req.target = "/hooks/n";
        req.body = std::to_string(i);
        boost::asio::co_spawn(io, sink.receive(std::move(req), io.get_executor()),
                              boost::asio::detached);
    }
    io.run();
    EXPECT_EQ(sink.size(), 3u);
    rapidjson::Document doc;
    doc.Parse(sink.list_json(std::nullopt).c_str());
    EXPECT_STREQ(doc[0]["body"].GetString(), "2");
    EXPECT_STREQ(doc[2]["body"].GetString(), "4");
}

}  // namespace
}  // namespace sesmon::sim
