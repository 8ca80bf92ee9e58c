// json_body: the one parse of a response body that the classifier and the parser share.
#include "ncp/json_body.hpp"

#include <gtest/gtest.h>

#include "ncp/error_classifier.hpp"
#include "ncp/progress_parser.hpp"

namespace sesmon::ncp {
namespace {

TEST(json_body_test, parses_in_place_and_keeps_strings_with_escapes) {
    const json_body body(R"({"a":"x\"y","b":[1,2]})");
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(std::string(body.doc()["a"].GetString()), "x\"y");
    EXPECT_EQ(body.doc()["b"].Size(), 2u);
}

TEST(json_body_test, trailing_garbage_and_a_nul_inside_a_string_are_malformed) {
    EXPECT_FALSE(json_body(R"({"a":1} x)").parsed());
    EXPECT_FALSE(json_body(std::string("{\"a\":\"x\0y\"}", 11)).parsed());
    EXPECT_NE(json_body("{").parse_error().find("malformed JSON at offset 1"), std::string::npos);
}

TEST(json_body_test, invalid_utf8_is_malformed) {
    EXPECT_FALSE(json_body("{\"a\":\"\xff\"}").parsed());
}

TEST(json_body_test, a_body_over_the_cap_is_not_parsed) {
    const json_body body(std::string(max_progress_body_bytes + 1, ' '));
    EXPECT_TRUE(body.too_large());
    EXPECT_FALSE(body.parsed());
    const auto r = parse_progress(body, std::chrono::hours(9));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("larger than"), std::string::npos);
}

TEST(json_body_test, one_parse_serves_the_classifier_and_the_parser) {
    const json_body ok(R"({"code":0,"result":{"name":"c","nodeStatusVoList":[
        {"hostname":"h1","status":"running"}]}})");
    EXPECT_FALSE(classify_response(200, {}, ok, wall_time{}));
    const auto r = parse_progress(ok, std::chrono::hours(9));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->nodes.at(0).hostname, "h1");

    const json_body gateway(R"({"error":{"errorCode":"410","message":"slow down"}})");
    const auto e = classify_response(429, {{"retry-after", "7"}}, gateway, wall_time{});
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, api_error_kind::throttled);
    EXPECT_EQ(e->retry_after, std::chrono::seconds(7));
}

TEST(json_body_test, a_scratch_serves_one_body_at_a_time_and_is_reused_after_it) {
    json_scratch scratch;
    for (int i = 0; i < 3; ++i) {
        const json_body first(R"({"n":")" + std::to_string(i) + R"(","list":[1,2,3]})", &scratch);
        // A second body while the first is alive parses into a pool of its own.
        const json_body second(R"({"n":"other"})", &scratch);
        ASSERT_TRUE(first.is_object());
        ASSERT_TRUE(second.is_object());
        EXPECT_EQ(std::string(first.doc()["n"].GetString()), std::to_string(i));
        EXPECT_EQ(first.doc()["list"].Size(), 3u);
        EXPECT_EQ(std::string(second.doc()["n"].GetString()), "other");
    }
    // A tree larger than the scratch buffer spills into pool chunks and still parses.
    std::string big = R"({"list":[)";
    for (int i = 0; i < 5000; ++i)
        big += (i ? "," : "") + std::to_string(i);
    const json_body large(big + "]}", &scratch);
    ASSERT_TRUE(large.is_object());
    EXPECT_EQ(large.doc()["list"].Size(), 5000u);
}

TEST(json_body_test, find_header_is_case_insensitive_and_copies_nothing) {
    const http_headers headers = {{"Content-Type", "a"}, {"Retry-After", "5"}};
    const auto v = find_header(headers, "retry-after");
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, "5");
    EXPECT_EQ(v->data(), headers[1].second.data());
    EXPECT_FALSE(find_header(headers, "Date"));
}

}  // namespace
}  // namespace sesmon::ncp
