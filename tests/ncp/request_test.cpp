#include "ncp/request.hpp"

#include <gtest/gtest.h>

#include "ncp/signer.hpp"

namespace sesmon::ncp {
namespace {

std::string header(const http_request& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name)
            return v;
    }
    return "<missing>";
}

TEST(request_test, progress_request_is_a_signed_json_post_with_region_no) {
    const auto where = resolve_endpoint(api_site::public_site, "KR", "").value();
    const auto r =
        build_progress_request(where, "1037123", {"ANJNnR1jz1gUzaiS0aV2", "TestSecretKey"},
                               1709704983976, std::chrono::seconds(7));
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url,
              "https://vpcsearchengine.apigw.ntruss.com/api/v2/cluster/getRollingUpgradeProgress");
    EXPECT_EQ(r.body, R"({"regionNo":"1","serviceGroupInstanceNo":"1037123"})");
    EXPECT_EQ(header(r, "Content-Type"), "application/json");
    EXPECT_EQ(header(r, "x-ncp-apigw-timestamp"), "1709704983976");
    EXPECT_EQ(header(r, "x-ncp-iam-access-key"), "ANJNnR1jz1gUzaiS0aV2");
    // The documented vector for this exact request.
    EXPECT_EQ(header(r, "x-ncp-apigw-signature-v2"),
              "SaCPmDTYbFtbRhWeVTkwAEkYxBLWR0PI/COzin01ZRs=");
    EXPECT_EQ(r.timeout, std::chrono::seconds(7));
}

TEST(request_test, cluster_list_request_is_a_get_signed_with_its_query_string) {
    const auto where = resolve_endpoint(api_site::public_site, "KR", "").value();
    const auto r =
        build_cluster_list_request(where, 1, 20, {"ANJNnR1jz1gUzaiS0aV2", "TestSecretKey"},
                                   1709704983976, std::chrono::seconds(3));
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.url,
              "https://vpcsearchengine.apigw.ntruss.com/api/v2/cluster/"
              "getClusterInfoList?pageNo=1&pageSize=20");
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(header(r, "Content-Type"), "<missing>");
    // The documented vector for this exact request (ncp-api.md).
    EXPECT_EQ(header(r, "x-ncp-apigw-signature-v2"),
              "y7Kr2tbBG2uED67wlYLlzFWB8LfuIC+Ddsn+xmxRhaA=");
    EXPECT_EQ(r.timeout, std::chrono::seconds(3));
}

TEST(request_test, gov_request_omits_region_no) {
    const auto where = resolve_endpoint(api_site::gov, "KRS", "").value();
    const auto r = build_progress_request(where, "42", {"AK", "SK"}, 1, std::chrono::seconds(1));
    EXPECT_EQ(r.body, R"({"serviceGroupInstanceNo":"42"})");
}

TEST(request_test, signature_covers_the_override_path_on_the_wire) {
    const auto where =
        resolve_endpoint(api_site::public_site, "SGN", "http://127.0.0.1:9/sim").value();
    const auto r = build_progress_request(where, "42", {"AK", "SK"}, 5, std::chrono::seconds(1));
    EXPECT_EQ(header(r, "x-ncp-apigw-signature-v2"),
              sign_v2("POST", "/sim/api/sgn-v2/cluster/getRollingUpgradeProgress", 5, "AK", "SK"));
}

TEST(request_test, instance_number_is_json_escaped) {
    const auto where = resolve_endpoint(api_site::gov, "KR", "").value();
    const auto r = build_progress_request(where, "a\"b", {"AK", "SK"}, 1, std::chrono::seconds(1));
    EXPECT_EQ(r.body, R"({"serviceGroupInstanceNo":"a\"b"})");
}

}  // namespace
}  // namespace sesmon::ncp
