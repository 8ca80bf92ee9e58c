// parse_progress: the seed's example response, each tolerated variant, each kind of garbage.
#include "ncp/progress_parser.hpp"

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace sesmon::ncp {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

constexpr seconds kst = 9h;

std::string progress_seed_body() {
    return test::read_fixture("seed_response.json");
}

// A response around the given `result` object text.
std::string progress_with_result(const std::string& result) {
    return R"({"code":0,"message":"SUCCESS","result":)" + result + R"(,"requestId":"x"})";
}

wall_time utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
    return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s);
}

std::string error_of(std::string_view body) {
    const auto r = parse_progress(body, kst);
    if (r)
        return "<parsed>";
    EXPECT_EQ(r.error().kind, api_error_kind::invalid_response);
    return r.error().message;
}

TEST(progress_parser_test, seed_example_parses_with_every_field) {
    const auto r = parse_progress(progress_seed_body(), kst);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->cluster_name, "cluster000");
    EXPECT_EQ(r->node_count, 8);
    ASSERT_TRUE(r->version);
    EXPECT_EQ(r->version->current_version, "2140");
    EXPECT_EQ(r->version->target_version, "2150");
    EXPECT_EQ(r->version->action_date_raw, "2025-03-24 17:09:41");
    EXPECT_EQ(r->version->action_at, utc(2025, 3, 24, 8, 9, 41));
    ASSERT_EQ(r->nodes.size(), 8u);

    const node_observation first{"cluster000-mo-6tnk", "MO", "complete", "2025-03-24 17:11:28",
                                 utc(2025, 3, 24, 8, 11, 28)};
    const node_observation second{"cluster000-mo-6tnl", "MO", "Upgrade_OpenSearch",
                                  "2025-03-24 17:11:28", utc(2025, 3, 24, 8, 11, 28)};
    const node_observation last{"cluster000-mo-6tnj", "MO", "running", "2025-03-24 16:36:11",
                                utc(2025, 3, 24, 7, 36, 11)};
    EXPECT_EQ(r->nodes[0], first);
    EXPECT_EQ(r->nodes[1], second);
    EXPECT_EQ(r->nodes[7], last);
    EXPECT_EQ(r->nodes[5].hostname, "cluster000-m-6tnh");
    EXPECT_EQ(r->nodes[5].role, "M");
    EXPECT_EQ(r->nodes[2].role, "DO");

    int complete = 0, upgrading = 0, pending = 0;
    for (const auto& n : r->nodes) {
        switch (classify_status(n.status)) {
            case node_phase::complete:
                ++complete;
                break;
            case node_phase::upgrading:
                ++upgrading;
                break;
            case node_phase::pending:
                ++pending;
                break;
            default:
                ADD_FAILURE() << n.status;
        }
    }
    EXPECT_EQ(complete, 1);
    EXPECT_EQ(upgrading, 1);
    EXPECT_EQ(pending, 6);
}

TEST(progress_parser_test, dates_follow_the_configured_zone_offset) {
    const auto r = parse_progress(progress_seed_body(), 0s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->version->action_at, utc(2025, 3, 24, 17, 9, 41));
}

TEST(progress_parser_test, hostName_spelling_is_accepted) {
    const auto r =
        parse_progress(progress_with_result(R"({"name":"c","nodeCount":1,"nodeStatusVoList":[
            {"hostName":"h1","status":"running","nodeRoleCode":"D","updatedDate":"2025-01-01 00:00:00"}]})"),
                       kst);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->nodes.at(0).hostname, "h1");
}

TEST(progress_parser_test, numbers_may_arrive_as_strings_and_codes_as_numbers) {
    const auto r = parse_progress(
        R"({"code":"0","result":{"name":"c","nodeCount":"8",
            "versionVo":{"currentVersionCode":2140,"targetVersionCode":"2150","actionDate":null}}})",
        kst);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->node_count, 8);
    EXPECT_EQ(r->version->current_version, "2140");
    EXPECT_EQ(r->version->target_version, "2150");
    EXPECT_EQ(r->version->action_date_raw, "");
    EXPECT_FALSE(r->version->action_at);
}

TEST(progress_parser_test, null_or_missing_version_is_no_version) {
    for (const std::string result :
         {R"({"name":"c","nodeCount":3,"versionVo":null})", R"({"name":"c","nodeCount":3})"}) {
        const auto r = parse_progress(progress_with_result(result), kst);
        ASSERT_TRUE(r) << result << ": " << r.error().message;
        EXPECT_FALSE(r->version);
        EXPECT_EQ(r->node_count, 3);
    }
}

TEST(progress_parser_test, empty_null_or_missing_node_list_is_no_nodes) {
    for (const std::string result : {R"({"name":"c","nodeCount":3,"nodeStatusVoList":[]})",
                                     R"({"name":"c","nodeCount":3,"nodeStatusVoList":null})",
                                     R"({"name":"c","nodeCount":3})"}) {
        const auto r = parse_progress(progress_with_result(result), kst);
        ASSERT_TRUE(r) << result << ": " << r.error().message;
        EXPECT_TRUE(r->nodes.empty());
        EXPECT_EQ(r->node_count, 3);
    }
}

TEST(progress_parser_test, missing_node_count_counts_the_listed_nodes) {
    const auto r = parse_progress(progress_with_result(R"({"nodeStatusVoList":[
        {"hostname":"a","status":"running"},{"hostname":"b","status":"complete"}]})"),
                                  kst);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->node_count, 2);
    EXPECT_EQ(r->cluster_name, "");
    EXPECT_EQ(r->nodes[0].role, "");
    EXPECT_EQ(r->nodes[0].updated_raw, "");
    EXPECT_FALSE(r->nodes[0].updated_at);
}

TEST(progress_parser_test, unknown_statuses_and_any_letter_case_are_kept_verbatim) {
    const auto r = parse_progress(progress_with_result(R"({"nodeCount":3,"nodeStatusVoList":[
        {"hostname":"a","status":"UPGRADE_OPENSEARCH"},
        {"hostname":"b","status":"Rebooting"},
        {"hostname":"c","status":"upgrade_failed"}]})"),
                                  kst);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->nodes[0].status, "UPGRADE_OPENSEARCH");
    EXPECT_EQ(r->nodes[1].status, "Rebooting");
    EXPECT_EQ(r->nodes[2].status, "upgrade_failed");
}

TEST(progress_parser_test, unparsable_dates_keep_the_raw_text) {
    const auto r = parse_progress(progress_with_result(R"({"nodeCount":1,
        "versionVo":{"currentVersionCode":"1","targetVersionCode":"2","actionDate":"24/03/2025"},
        "nodeStatusVoList":[{"hostname":"a","status":"running","updatedDate":"2025-02-30 10:00:00"}]})"),
                                  kst);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->version->action_date_raw, "24/03/2025");
    EXPECT_FALSE(r->version->action_at);
    EXPECT_EQ(r->nodes[0].updated_raw, "2025-02-30 10:00:00");
    EXPECT_FALSE(r->nodes[0].updated_at);
}

TEST(progress_parser_test, truncated_json_names_the_offset) {
    const auto body = progress_seed_body().substr(0, 120);
    EXPECT_EQ(error_of(body).rfind("invalid API response: body: malformed JSON at offset ", 0), 0u)
        << error_of(body);
}

TEST(progress_parser_test, empty_and_non_json_bodies_are_rejected) {
    EXPECT_NE(error_of("").find("malformed JSON at offset 0"), std::string::npos);
    EXPECT_NE(error_of("<html>502 Bad Gateway</html>").find("malformed JSON at offset 0"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"code":0,"result":{}} trailing)").find("malformed JSON"),
              std::string::npos);
}

TEST(progress_parser_test, wrong_types_name_the_field_path) {
    EXPECT_EQ(error_of("[1,2]"), "invalid API response: body: expected object, got array");
    EXPECT_EQ(error_of(R"({"code":0})"), "invalid API response: result: missing");
    EXPECT_EQ(error_of(R"({"code":0,"result":"x"})"),
              "invalid API response: result: expected object, got string");
    EXPECT_EQ(error_of(progress_with_result(R"({"name":5})")),
              "invalid API response: result.name: expected string, got number");
    EXPECT_EQ(error_of(progress_with_result(R"({"versionVo":"2150"})")),
              "invalid API response: result.versionVo: expected object, got string");
    EXPECT_EQ(error_of(progress_with_result(R"({"versionVo":{"targetVersionCode":[1]}})")),
              "invalid API response: result.versionVo.targetVersionCode: expected string or "
              "integer, got array");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeStatusVoList":{}})")),
              "invalid API response: result.nodeStatusVoList: expected array, got object");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeStatusVoList":[{"hostname":"a","status":"x"},
        {"hostname":"b","status":"x"},{"hostname":"c","status":7}]})")),
              "invalid API response: result.nodeStatusVoList[2].status: expected string, got "
              "number");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeStatusVoList":[{"status":"x"}]})")),
              "invalid API response: result.nodeStatusVoList[0].hostname: missing");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeStatusVoList":[{"hostname":"a"}]})")),
              "invalid API response: result.nodeStatusVoList[0].status: missing");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeStatusVoList":[null]})")),
              "invalid API response: result.nodeStatusVoList[0]: expected object, got null");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeCount":true})")),
              "invalid API response: result.nodeCount: expected integer, got boolean");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeCount":"eight"})")),
              "invalid API response: result.nodeCount: not an integer: \"eight\"");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeCount":2.5})")),
              "invalid API response: result.nodeCount: expected integer, got number");
}

TEST(progress_parser_test, absurd_sizes_are_rejected) {
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeCount":-1})")),
              "invalid API response: result.nodeCount: absurd value -1");
    EXPECT_EQ(error_of(progress_with_result(R"({"nodeCount":10001})")),
              "invalid API response: result.nodeCount: absurd value 10001");
    std::string many = R"({"nodeStatusVoList":[)";
    for (int i = 0; i <= max_progress_nodes; ++i) {
        many += std::string(i ? "," : "") + R"({"hostname":"h","status":"running"})";
    }
    many += "]}";
    EXPECT_EQ(error_of(progress_with_result(many)),
              "invalid API response: result.nodeStatusVoList: absurd length 10001");
    const std::string huge(max_progress_body_bytes + 1, ' ');
    EXPECT_NE(error_of(huge).find("larger than"), std::string::npos);
}

TEST(progress_parser_test, deep_nesting_and_bad_utf8_are_rejected_without_crashing) {
    EXPECT_NE(error_of(std::string(200000, '[')).find("malformed JSON"), std::string::npos);
    EXPECT_NE(error_of(progress_with_result("{\"name\":\"\xff\xfe\"}")).find("malformed JSON"),
              std::string::npos);
}

TEST(progress_parser_test, service_error_code_is_a_service_error) {
    const auto r = parse_progress(R"({"code":1001,"message":"no cluster"})", kst);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, api_error_kind::service);
    EXPECT_EQ(r.error().code, "1001");
}

}  // namespace
}  // namespace sesmon::ncp
