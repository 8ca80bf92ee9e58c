#include "ncp/endpoint.hpp"

#include <gtest/gtest.h>

namespace sesmon::ncp {
namespace {

TEST(endpoint_test, public_site_regions_have_prefix_and_region_no) {
    struct row {
        const char* region;
        const char* prefix;
        const char* region_no;
    };
    for (const auto& r : {row{"KR", "/api/v2", "1"}, row{"SGN", "/api/sgn-v2", "7"},
                          row{"JPN", "/api/jpn-v2", "8"}}) {
        const auto e = resolve_endpoint(api_site::public_site, r.region, "");
        ASSERT_TRUE(e) << r.region;
        EXPECT_EQ(e->base_url, "https://vpcsearchengine.apigw.ntruss.com");
        EXPECT_EQ(e->path_prefix, r.prefix);
        EXPECT_EQ(e->region_no, std::optional<std::string>(r.region_no));
    }
}

TEST(endpoint_test, gov_and_fin_omit_region_no) {
    const auto gov_kr = resolve_endpoint(api_site::gov, "KR", "");
    const auto gov_krs = resolve_endpoint(api_site::gov, "KRS", "");
    const auto fin_kr = resolve_endpoint(api_site::fin, "KR", "");
    ASSERT_TRUE(gov_kr && gov_krs && fin_kr);
    EXPECT_EQ(gov_kr->base_url, "https://vpcsearchengine.apigw.gov-ntruss.com");
    EXPECT_EQ(gov_krs->path_prefix, "/api/krs-v2");
    EXPECT_EQ(fin_kr->base_url, "https://fin-vpcsearchengine.apigw.fin-ntruss.com");
    EXPECT_FALSE(gov_kr->region_no);
    EXPECT_FALSE(gov_krs->region_no);
    EXPECT_FALSE(fin_kr->region_no);
}

TEST(endpoint_test, region_is_case_insensitive) {
    const auto e = resolve_endpoint(api_site::public_site, "sgn", "");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->path_prefix, "/api/sgn-v2");
}

TEST(endpoint_test, unknown_region_for_the_site_names_the_known_ones) {
    const auto e = resolve_endpoint(api_site::fin, "SGN", "");
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().message, "region \"SGN\" is not served by the fin site (regions: KR)");
}

TEST(endpoint_test, override_replaces_the_host_and_keeps_the_prefix) {
    const auto e = resolve_endpoint(api_site::public_site, "JPN", "https://127.0.0.1:8443/");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->url("/cluster/getRollingUpgradeProgress"),
              "https://127.0.0.1:8443/api/jpn-v2/cluster/getRollingUpgradeProgress");
    EXPECT_EQ(e->region_no, std::optional<std::string>("8"));
}

TEST(endpoint_test, known_regions_per_site) {
    EXPECT_EQ(known_regions(api_site::public_site), (std::vector<std::string>{"KR", "SGN", "JPN"}));
    EXPECT_EQ(known_regions(api_site::gov), (std::vector<std::string>{"KR", "KRS"}));
    EXPECT_EQ(known_regions(api_site::fin), (std::vector<std::string>{"KR"}));
}

}  // namespace
}  // namespace sesmon::ncp
