// parse_cluster_list: the documented shape, each tolerated variant, each kind of garbage.
#include "ncp/cluster_list_parser.hpp"

#include <gtest/gtest.h>

namespace sesmon::ncp {
namespace {

std::string with_result(const std::string& result) {
    return R"({"code":0,"message":"SUCCESS","result":)" + result + R"(,"requestId":"x"})";
}

std::string error_of(const std::string& body) {
    const auto r = parse_cluster_list(body);
    if (r)
        return "<parsed>";
    EXPECT_EQ(r.error().kind, api_error_kind::invalid_response);
    return r.error().message;
}

TEST(cluster_list_parser_test, documented_page_parses_with_every_field) {
    const auto r = parse_cluster_list(with_result(R"({
        "currentPage": 2, "pageSize": 10, "totalCount": 12, "totalPage": 2,
        "isFirst": false, "isLast": true,
        "allowedClusters": [
          {"serviceGroupInstanceNo": "1037001", "clusterName": "prod-logs",
           "clusterStatus": "running", "searchEngineStatus": "green",
           "searchEngineVersion": "2.14.0", "managerNodeCount": 2, "isDualManager": true,
           "vpcName": "vpc"},
          {"serviceGroupInstanceNo": 1037002, "clusterName": "other"}],
        "disallowedClusters": [{"serviceGroupInstanceNo": "9", "clusterName": "secret"}]})"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->current_page, 2);
    EXPECT_EQ(r->total_page, 2);
    EXPECT_EQ(r->total_count, 12);
    EXPECT_EQ(r->is_last, true);
    ASSERT_EQ(r->allowed.size(), 2u);
    EXPECT_EQ(r->allowed[0],
              (listed_cluster{"1037001", "prod-logs", "running", "green", "2.14.0"}));
    EXPECT_EQ(r->allowed[1], (listed_cluster{"1037002", "other", "", "", ""}));
    ASSERT_EQ(r->disallowed.size(), 1u);
    EXPECT_EQ(r->disallowed[0].name, "secret");
}

TEST(cluster_list_parser_test, paging_fields_and_lists_are_optional_and_numbers_may_be_text) {
    const auto bare = parse_cluster_list(with_result("{}"));
    ASSERT_TRUE(bare) << bare.error().message;
    EXPECT_FALSE(bare->current_page);
    EXPECT_FALSE(bare->total_page);
    EXPECT_FALSE(bare->is_last);
    EXPECT_TRUE(bare->allowed.empty());
    EXPECT_TRUE(bare->disallowed.empty());

    const auto text = parse_cluster_list(with_result(
        R"({"currentPage":"1","totalPage":"3","isLast":"false","allowedClusters":null})"));
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(text->current_page, 1);
    EXPECT_EQ(text->total_page, 3);
    EXPECT_EQ(text->is_last, false);
}

TEST(cluster_list_parser_test, wrong_types_name_the_field) {
    EXPECT_EQ(error_of(with_result(R"({"allowedClusters": {}})")),
              "invalid API response: result.allowedClusters: expected array, got object");
    EXPECT_EQ(error_of(with_result(R"({"allowedClusters": [{"clusterName": 5}]})")),
              "invalid API response: result.allowedClusters[0].clusterName: expected string, got "
              "number");
    EXPECT_EQ(error_of(with_result(R"({"disallowedClusters": [7]})")),
              "invalid API response: result.disallowedClusters[0]: expected object, got number");
    EXPECT_EQ(error_of(with_result(R"({"totalPage": "many"})")),
              "invalid API response: result.totalPage: not an integer: \"many\"");
    EXPECT_EQ(error_of(with_result(R"({"currentPage": -1})")),
              "invalid API response: result.currentPage: negative: -1");
    EXPECT_EQ(error_of(with_result(R"({"isLast": 1})")),
              "invalid API response: result.isLast: expected boolean, got number");
    EXPECT_EQ(error_of(with_result(R"({"isLast": "yes"})")),
              "invalid API response: result.isLast: not a boolean: \"yes\"");
}

TEST(cluster_list_parser_test, garbage_is_invalid_and_service_codes_are_service_errors) {
    EXPECT_NE(error_of("<html>").find("malformed JSON at offset 0"), std::string::npos);
    EXPECT_EQ(error_of(R"({"code":0})"), "invalid API response: result: missing");
    EXPECT_EQ(error_of(R"({"code":0,"result":[]})"),
              "invalid API response: result: expected object, got array");
    const auto service = parse_cluster_list(R"({"code": 11001, "message": "nope"})");
    ASSERT_FALSE(service);
    EXPECT_EQ(service.error().kind, api_error_kind::service);
    EXPECT_EQ(service.error().code, "11001");
}

TEST(cluster_list_parser_test, size_and_count_caps_are_enforced) {
    EXPECT_NE(error_of(std::string(max_progress_body_bytes + 1, ' ')).find("larger than"),
              std::string::npos);
    std::string many = R"({"allowedClusters":[)";
    for (std::size_t i = 0; i <= max_list_entries; ++i)
        many += std::string(i ? "," : "") + "{}";
    many += "]}";
    EXPECT_EQ(error_of(with_result(many)),
              "invalid API response: result.allowedClusters: absurd length " +
                  std::to_string(max_list_entries + 1));
}

}  // namespace
}  // namespace sesmon::ncp
