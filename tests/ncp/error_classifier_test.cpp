// classify_response: every gateway code of ncp-api.md, service errors on 200 and 400,
// plain statuses, Retry-After forms, and the clock-skew hint.
#include "ncp/error_classifier.hpp"

#include <gtest/gtest.h>

namespace sesmon::ncp {
namespace {

using namespace std::chrono_literals;

// 2026-11-26 20:00:00 UTC, a Thursday.
const wall_time now = std::chrono::sys_days(std::chrono::year(2026) / 11 / 26) + 20h;

std::string gateway_body(const std::string& code) {
    return R"({"error":{"errorCode":")" + code + R"(","message":"Some Message"}})";
}

TEST(error_classifier_test, every_gateway_code_maps_to_its_kind) {
    struct row {
        int status;
        const char* code;
        api_error_kind kind;
        const char* starts;
    };
    const row rows[] = {
        {400, "100", api_error_kind::bad_request, "bad request (gateway 400/100)"},
        {401, "200", api_error_kind::auth, "authentication failed (gateway 401/200)"},
        {401, "210", api_error_kind::auth, "permission denied (gateway 401/210)"},
        {403, "230", api_error_kind::auth, "forbidden (gateway 403/230)"},
        {404, "300", api_error_kind::not_found, "not found (gateway 404/300)"},
        {413, "430", api_error_kind::bad_request, "request too large (gateway 413/430)"},
        {429, "400", api_error_kind::throttled, "quota exceeded (gateway 429/400)"},
        {429, "410", api_error_kind::throttled, "throttled (gateway 429/410)"},
        {429, "420", api_error_kind::throttled, "rate limited (gateway 429/420)"},
        {503, "500", api_error_kind::server, "endpoint error (gateway 503/500)"},
        {503, "520", api_error_kind::server, "unknown endpoint domain (gateway 503/520)"},
        {503, "530", api_error_kind::server, "connection closed by endpoint (gateway 503/530)"},
        {504, "510", api_error_kind::server, "endpoint timeout (gateway 504/510)"},
        {500, "900", api_error_kind::server, "unexpected gateway error (gateway 500/900)"},
    };
    for (const auto& r : rows) {
        const auto e = classify_response(r.status, {}, gateway_body(r.code), now);
        ASSERT_TRUE(e) << r.code;
        EXPECT_EQ(e->kind, r.kind) << r.code;
        EXPECT_EQ(e->http_status, r.status);
        EXPECT_EQ(e->code, r.code);
        EXPECT_EQ(e->message.rfind(r.starts, 0), 0u) << e->message;
        EXPECT_NE(e->message.find("[gateway says: Some Message]"), std::string::npos);
        EXPECT_FALSE(e->retry_after);
        EXPECT_FALSE(e->clock_skew_suspected);
    }
}

TEST(error_classifier_test, authentication_message_tells_what_to_check) {
    const auto e = classify_response(401, {}, R"({"error":{"errorCode":"200"}})", now);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message,
              "authentication failed (gateway 401/200): check the access key, secret key and "
              "clock");
}

TEST(error_classifier_test, details_or_detail_are_quoted_on_one_line) {
    const auto a = classify_response(
        401, {}, R"({"error":{"errorCode":"200","message":"Auth","details":"bad\nsig"}})", now);
    const auto b = classify_response(
        401, {}, R"({"error":{"errorCode":"200","message":"Auth","detail":"stale"}})", now);
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->message.find("[gateway says: Auth: bad sig]"), std::string::npos) << a->message;
    EXPECT_NE(b->message.find("[gateway says: Auth: stale]"), std::string::npos) << b->message;
}

TEST(error_classifier_test, unknown_gateway_code_falls_back_to_the_status) {
    const auto e = classify_response(429, {}, gateway_body("999"), now);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, api_error_kind::throttled);
    EXPECT_EQ(e->message.rfind("gateway error (gateway 429/999)", 0), 0u);
}

TEST(error_classifier_test, numeric_gateway_code_is_accepted) {
    const auto e = classify_response(401, {}, R"({"error":{"errorCode":200}})", now);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, api_error_kind::auth);
    EXPECT_EQ(e->code, "200");
}

TEST(error_classifier_test, service_error_on_200_and_on_400) {
    for (int status : {200, 400}) {
        const auto e = classify_response(
            status, {}, R"({"code":1001,"message":"cluster not found","result":null})", now);
        ASSERT_TRUE(e) << status;
        EXPECT_EQ(e->kind, api_error_kind::service);
        EXPECT_EQ(e->code, "1001");
        EXPECT_EQ(e->message,
                  "service error 1001 (HTTP " + std::to_string(status) + "): cluster not found");
    }
}

TEST(error_classifier_test, service_error_with_string_code_and_on_5xx) {
    const auto s = classify_response(200, {}, R"({"code":"E01","message":"x"})", now);
    const auto server = classify_response(500, {}, R"({"code":77,"message":"x"})", now);
    ASSERT_TRUE(s && server);
    EXPECT_EQ(s->kind, api_error_kind::service);
    EXPECT_EQ(s->code, "E01");
    EXPECT_EQ(server->kind, api_error_kind::server);
}

TEST(error_classifier_test, success_envelope_on_200_is_not_an_error) {
    EXPECT_FALSE(classify_response(200, {}, R"({"code":0,"message":"SUCCESS","result":{}})", now));
    EXPECT_FALSE(classify_response(200, {}, R"({"code":"0","result":{}})", now));
    EXPECT_FALSE(classify_response(200, {}, R"({"result":{}})", now));
    EXPECT_FALSE(classify_response(200, {}, "not json: the parser reports it", now));
}

TEST(error_classifier_test, statuses_without_an_envelope_map_by_status) {
    struct row {
        int status;
        api_error_kind kind;
    };
    for (const auto& r :
         {row{400, api_error_kind::bad_request}, row{401, api_error_kind::auth},
          row{403, api_error_kind::auth}, row{404, api_error_kind::not_found},
          row{413, api_error_kind::bad_request}, row{429, api_error_kind::throttled},
          row{500, api_error_kind::server}, row{502, api_error_kind::server},
          row{503, api_error_kind::server}, row{504, api_error_kind::server},
          row{302, api_error_kind::invalid_response}}) {
        const auto e = classify_response(r.status, {}, "<html>oops</html>", now);
        ASSERT_TRUE(e) << r.status;
        EXPECT_EQ(e->kind, r.kind) << r.status;
        EXPECT_EQ(e->http_status, r.status);
        EXPECT_NE(e->message.find("(HTTP " + std::to_string(r.status) + ")"), std::string::npos);
    }
}

TEST(error_classifier_test, retry_after_in_seconds) {
    const auto e = classify_response(429, {{"Retry-After", "17"}}, gateway_body("410"), now);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->retry_after, std::chrono::seconds(17));
}

TEST(error_classifier_test, retry_after_as_http_date_is_relative_to_our_clock) {
    const auto e = classify_response(503, {{"retry-after", "Thu, 26 Nov 2026 20:01:30 GMT"}},
                                     gateway_body("500"), now);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->retry_after, std::chrono::seconds(90));
}

TEST(error_classifier_test, retry_after_in_the_past_or_garbage) {
    const auto past = classify_response(429, {{"Retry-After", "Thu, 26 Nov 2026 19:00:00 GMT"}},
                                        gateway_body("400"), now);
    const auto garbage =
        classify_response(429, {{"Retry-After", "soon"}}, gateway_body("400"), now);
    ASSERT_TRUE(past && garbage);
    EXPECT_EQ(past->retry_after, std::chrono::milliseconds(0));
    EXPECT_FALSE(garbage->retry_after);
}

TEST(error_classifier_test, clock_skew_hint_when_401_date_is_five_minutes_off) {
    const auto skewed = classify_response(401, {{"Date", "Thu, 26 Nov 2026 20:07:00 GMT"}},
                                          gateway_body("200"), now);
    const auto behind = classify_response(401, {{"Date", "Thu, 26 Nov 2026 19:55:00 GMT"}},
                                          gateway_body("200"), now);
    const auto close = classify_response(401, {{"Date", "Thu, 26 Nov 2026 20:04:59 GMT"}},
                                         gateway_body("200"), now);
    ASSERT_TRUE(skewed && behind && close);
    EXPECT_TRUE(skewed->clock_skew_suspected);
    EXPECT_NE(skewed->message.find("the server's clock differs from ours by 7m"), std::string::npos)
        << skewed->message;
    EXPECT_TRUE(behind->clock_skew_suspected);
    EXPECT_FALSE(close->clock_skew_suspected);
    EXPECT_EQ(close->message.find("clock differs"), std::string::npos);
}

TEST(error_classifier_test, no_skew_hint_on_other_statuses) {
    const auto e = classify_response(403, {{"Date", "Thu, 26 Nov 2026 21:00:00 GMT"}},
                                     gateway_body("230"), now);
    ASSERT_TRUE(e);
    EXPECT_FALSE(e->clock_skew_suspected);
}

}  // namespace
}  // namespace sesmon::ncp
