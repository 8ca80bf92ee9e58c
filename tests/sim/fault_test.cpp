// Each fault kind observed by a real client over loopback, switched on with POST /_sim/faults
// or scripted in the scenario.
#include "sim/fault.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

using test::client_call;
using test::exchange;
using test::running_sim;

const char* fault_yaml = R"(start: "2025-03-24 17:00:00"
clusters:
  - name: c1
    instance_no: "1"
    version: "2140"
    nodes: [{hostname: a, role: M}, {hostname: b, role: D}]
    upgrade:
      start: "+0s"
      target_version: "2150"
      stages: [{name: Upgrade_OpenSearch, duration: 100s}]
  - name: c2
    instance_no: "2"
    version: "2140"
    nodes: [{hostname: x, role: D}]
    faults:
      - {kind: gateway_error, status: 503, from: "+10m", until: "+20m"}
faults:
  - {kind: rate_limit, error_code: "400", retry_after: 7, from: "+1h", until: "+2h"}
)";

class fault_test : public ::testing::Test {
  protected:
    static simulator_options opts() {
        simulator_options o;
        o.time_scale = 0;
        return o;
    }
    running_sim sim_{test::scenario_from(fault_yaml, {}), opts()};

    void inject(const std::string& fault_json) {
        auto r = exchange(sim_.port(), {.method = "POST",
                                        .target = "/_sim/faults",
                                        .body = R"({"faults":[)" + fault_json + "]}"});
        ASSERT_EQ(r.status, 200) << r.body;
    }
    test::client_result ask(const std::string& instance = "1",
                            std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        return exchange(sim_.port(), {.method = "POST",
                                      .target = "/api/v2/cluster/getRollingUpgradeProgress",
                                      .body = R"({"serviceGroupInstanceNo":")" + instance + "\"}",
                                      .timeout = timeout});
    }
    static std::string error_code(const test::client_result& r) {
        rapidjson::Document doc;
        doc.Parse(r.body.c_str());
        if (doc.HasParseError() || !doc.HasMember("error"))
            return "(none)";
        return doc["error"]["errorCode"].GetString();
    }
};

TEST_F(fault_test, rate_limit_carries_each_error_code_with_and_without_retry_after) {
    for (const char* code : {"400", "410", "420"}) {
        inject(std::string(R"({"kind":"rate_limit","count":1,"retry_after":5,"error_code":")") +
               code + "\"}");
        auto r = ask();
        EXPECT_EQ(r.status, 429);
        EXPECT_EQ(error_code(r), code);
        EXPECT_EQ(r.header("retry-after"), "5");
    }
    inject(R"({"kind":"rate_limit","count":1})");
    auto r = ask();
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(error_code(r), "420");
    EXPECT_EQ(r.header("retry-after"), "");
    EXPECT_EQ(ask().status, 200);  // count 1: gone
}

TEST_F(fault_test, gateway_errors_carry_the_gateway_error_codes) {
    const std::pair<int, const char*> cases[] = {{500, "900"}, {503, "500"}, {504, "510"}};
    for (auto [status, code] : cases) {
        inject(R"({"kind":"gateway_error","count":1,"status":)" + std::to_string(status) + "}");
        auto r = ask();
        EXPECT_EQ(r.status, status);
        EXPECT_EQ(error_code(r), code);
    }
}

TEST_F(fault_test, service_error_arrives_with_http_200) {
    inject(R"({"kind":"service_error","count":1,"code":77,"message":"busy"})");
    auto r = ask();
    EXPECT_EQ(r.status, 200);
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    EXPECT_EQ(doc["code"].GetInt(), 77);
    EXPECT_STREQ(doc["message"].GetString(), "busy");
}

TEST_F(fault_test, timeout_accepts_and_never_answers) {
    inject(R"({"kind":"timeout","count":1})");
    auto r = ask("1", std::chrono::milliseconds(500));
    EXPECT_EQ(r.ec, boost::asio::error::timed_out);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(ask().status, 200);  // the server still serves others
}

TEST_F(fault_test, reset_closes_without_answer) {
    inject(R"({"kind":"reset","count":1})");
    auto r = ask();
    EXPECT_TRUE(r.ec) << "expected a connection error";
    EXPECT_NE(r.ec, boost::asio::error::timed_out);
    EXPECT_EQ(r.status, 0);
}

TEST_F(fault_test, truncate_sends_half_the_body_then_closes) {
    inject(R"({"kind":"truncate","count":1})");
    auto r = ask();
    EXPECT_TRUE(r.ec) << "expected a partial message";
    EXPECT_NE(r.ec, boost::asio::error::timed_out);
}

TEST_F(fault_test, invalid_json_is_200_with_an_unparsable_body) {
    inject(R"({"kind":"invalid_json","count":1})");
    auto r = ask();
    EXPECT_EQ(r.status, 200);
    rapidjson::Document doc;
    EXPECT_TRUE(doc.Parse(r.body.c_str()).HasParseError());
}

TEST_F(fault_test, slow_body_arrives_complete_but_late) {
    inject(R"({"kind":"slow","count":1,"chunk_delay":"20ms"})");
    auto r = ask();
    ASSERT_EQ(r.status, 200) << r.ec.message();
    rapidjson::Document doc;
    EXPECT_FALSE(doc.Parse(r.body.c_str()).HasParseError());
    auto chunks = (r.body.size() + 63) / 64;
    EXPECT_GE(r.elapsed.count(), static_cast<long long>(chunks * 20 * 8 / 10));
}

TEST_F(fault_test, oversize_body_is_over_10_mb) {
    inject(R"({"kind":"oversize","count":1})");
    auto r = ask();
    ASSERT_EQ(r.status, 200) << r.ec.message();
    EXPECT_GT(r.body.size(), 10u * 1024 * 1024);
}

TEST_F(fault_test, wrong_content_type_labels_json_as_html) {
    inject(R"({"kind":"wrong_content_type","count":1})");
    auto r = ask();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type").rfind("text/html", 0), 0u);
}

TEST_F(fault_test, runtime_fault_limited_to_one_cluster_and_cleared) {
    inject(R"({"kind":"gateway_error","status":504,"cluster":"2"})");
    EXPECT_EQ(ask("1").status, 200);
    EXPECT_EQ(ask("2").status, 504);
    EXPECT_EQ(ask("2").status, 504);
    auto cleared = exchange(
        sim_.port(), {.method = "POST", .target = "/_sim/faults", .body = R"({"clear":true})"});
    EXPECT_EQ(cleared.body, R"({"runtime_faults":0})");
    EXPECT_EQ(ask("2").status, 200);
}

TEST_F(fault_test, bad_runtime_fault_is_rejected_with_a_reason) {
    auto r = exchange(sim_.port(), {.method = "POST",
                                    .target = "/_sim/faults",
                                    .body = R"({"faults":[{"kind":"gremlins"}]})"});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("unknown fault kind"), std::string::npos);
}

TEST_F(fault_test, scripted_windows_follow_virtual_time) {
    EXPECT_EQ(ask("2").status, 200);
    sim_.advance(10 * 60);
    EXPECT_EQ(ask("2").status, 503);  // cluster window [+10m, +20m)
    EXPECT_EQ(ask("1").status, 200);  // other clusters unaffected
    sim_.advance(10 * 60);
    EXPECT_EQ(ask("2").status, 200);
    sim_.advance(40 * 60);  // global window [+1h, +2h)
    auto r = ask("1");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "7");
}

TEST(fault_engine_test, rates_are_deterministic_for_a_seed) {
    fault_spec half;
    half.type = fault_type::reset;
    half.rate = 0.5;
    auto draw = [&](std::uint64_t seed) {
        fault_engine engine(seed, {half});
        std::string pattern;
        for (int i = 0; i < 64; ++i) {
            pattern += engine.pick(route_kind::progress, "1", {}, nullptr) ? '1' : '0';
        }
        return pattern;
    };
    EXPECT_EQ(draw(42), draw(42));
    EXPECT_NE(draw(42), draw(43));
    auto pattern = draw(42);
    auto ones = std::count(pattern.begin(), pattern.end(), '1');
    EXPECT_GT(ones, 16);
    EXPECT_LT(ones, 48);
}

}  // namespace
}  // namespace sesmon::sim
