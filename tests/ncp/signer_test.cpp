// Signature v2: every vector of ncp-api.md, and random inputs cross-checked against the
// openssl command line.
#include "ncp/signer.hpp"

#include <gtest/gtest.h>

#include <random>

#include "support/test_certs.hpp"

namespace sesmon::ncp {
namespace {

struct vector_row {
    const char* method;
    const char* path;
    std::int64_t timestamp;
    const char* access_key;
    const char* secret_key;
    const char* signature;
};

constexpr vector_row vectors[] = {
    {"GET", "/vserver/v2/getServerInstanceList?responseFormatType=json", 1234567890123,
     "TestAccessKey", "TestSecretKey", "FPsYYX8fuMAgi+cue3eACOW0dNtIwu1LYWfg/megA2M="},
    {"POST", "/api/v2/cluster/getRollingUpgradeProgress", 1709704983976, "ANJNnR1jz1gUzaiS0aV2",
     "TestSecretKey", "SaCPmDTYbFtbRhWeVTkwAEkYxBLWR0PI/COzin01ZRs="},
    {"POST", "/api/sgn-v2/cluster/getRollingUpgradeProgress", 1709704983976, "ANJNnR1jz1gUzaiS0aV2",
     "TestSecretKey", "aVkwEWwadu9Fv3VftoBuRSjWtAHcpK5CkMnSNZFtOyQ="},
    {"GET", "/api/v2/cluster/getClusterInfoList?pageNo=1&pageSize=20", 1709704983976,
     "ANJNnR1jz1gUzaiS0aV2", "TestSecretKey", "y7Kr2tbBG2uED67wlYLlzFWB8LfuIC+Ddsn+xmxRhaA="},
};

TEST(signer_test, matches_every_documented_vector) {
    for (const auto& v : vectors) {
        EXPECT_EQ(sign_v2(v.method, v.path, v.timestamp, v.access_key, v.secret_key), v.signature)
            << v.method << " " << v.path;
    }
}

TEST(signer_test, keyed_signer_matches_every_vector_and_stays_correct_when_reused) {
    for (const auto& v : vectors) {
        signer keyed(v.access_key, v.secret_key);
        for (int i = 0; i < 2; ++i) {
            EXPECT_EQ(keyed.sign(v.method, v.path, v.timestamp), v.signature) << v.path;
        }
        EXPECT_EQ(keyed.access_key(), v.access_key);
    }
    // One signer, requests that differ: each signature is the one-shot's.
    signer keyed("ANJNnR1jz1gUzaiS0aV2", "TestSecretKey");
    for (std::int64_t ts : {1709704983976LL, 1LL, 1709704983977LL}) {
        EXPECT_EQ(keyed.sign("POST", "/api/v2/cluster/getRollingUpgradeProgress", ts),
                  sign_v2("POST", "/api/v2/cluster/getRollingUpgradeProgress", ts,
                          "ANJNnR1jz1gUzaiS0aV2", "TestSecretKey"));
    }
}

TEST(signer_test, string_to_sign_has_no_trailing_newline) {
    EXPECT_EQ(string_to_sign("POST", "/a?b=c", 42, "AK"), "POST /a?b=c\n42\nAK");
}

TEST(signer_test, signature_changes_with_every_signed_part) {
    const auto base = sign_v2("GET", "/p", 1, "AK", "SK");
    EXPECT_NE(sign_v2("POST", "/p", 1, "AK", "SK"), base);
    EXPECT_NE(sign_v2("GET", "/q", 1, "AK", "SK"), base);
    EXPECT_NE(sign_v2("GET", "/p", 2, "AK", "SK"), base);
    EXPECT_NE(sign_v2("GET", "/p", 1, "AK2", "SK"), base);
    EXPECT_NE(sign_v2("GET", "/p", 1, "AK", "SK2"), base);
}

TEST(signer_test, random_inputs_agree_with_the_openssl_command_line) {
    if (!test::have_openssl_cli())
        GTEST_SKIP() << "openssl command line not installed";
    std::mt19937_64 rng(20261126);
    const std::string alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const std::string path_chars = alnum + "/-_.?=&%";
    const auto pick = [&](const std::string& from, std::size_t min, std::size_t max) {
        std::string out(std::uniform_int_distribution<std::size_t>(min, max)(rng), ' ');
        for (auto& c : out)
            c = from[rng() % from.size()];
        return out;
    };
    for (int i = 0; i < 20; ++i) {
        const std::string method = (i % 2) ? "POST" : "GET";
        const std::string path = "/" + pick(path_chars, 0, 80);
        const auto timestamp =
            static_cast<std::int64_t>(1'600'000'000'000 + rng() % 1'000'000'000'000);
        const std::string access_key = pick(alnum, 1, 40);
        const std::string secret_key = pick(alnum, 1, 64);

        const auto expected = test::run_shell(
            "openssl dgst -sha256 -hmac " + test::shell_quote(secret_key) + " -binary | base64",
            string_to_sign(method, path, timestamp, access_key));

        ASSERT_EQ(expected.exit_code, 0);
        EXPECT_EQ(sign_v2(method, path, timestamp, access_key, secret_key) + "\n", expected.output)
            << method << " " << path << " " << timestamp;
    }
}

}  // namespace
}  // namespace sesmon::ncp
