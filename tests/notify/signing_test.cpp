#include "notify/signing.hpp"

#include <gtest/gtest.h>

#include "common/crypto.hpp"
#include "support/test_certs.hpp"

namespace sesmon::notify {
namespace {

using sesmon::test::run_shell;
using sesmon::test::shell_quote;

// The signature as the `openssl` command line computes it: an implementation independent of
// ours (and of OpenSSL's library calls as we use them).
std::string openssl_signature(const std::string& key, const std::string& content) {
    const auto result =
        run_shell("openssl dgst -sha256 -mac HMAC -macopt hexkey:" + common::to_hex(key) +
                      " -binary | openssl base64 -A",
                  content);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return "v1," + result.output;
}

TEST(signing_test, raw_secret_signature_matches_openssl) {
    if (!sesmon::test::have_openssl_cli()) {
        GTEST_SKIP() << "no openssl command line";
    }
    const std::string secret = "my signing secret";
    const auto key = common::webhook_signing_key(secret);
    ASSERT_TRUE(key);
    EXPECT_EQ(*key, secret);
    const std::string body = R"({"schema":"ses-upgrade-monitor/v1","id":"evt1"})";
    EXPECT_EQ(webhook_signature(*key, "evt1", 1764187262, body),
              openssl_signature(secret, "evt1.1764187262." + body));
}

TEST(signing_test, whsec_secret_is_base64_decoded_before_signing) {
    if (!sesmon::test::have_openssl_cli()) {
        GTEST_SKIP() << "no openssl command line";
    }
    // The Standard Webhooks reference secret format: whsec_ + base64 of random bytes.
    const std::string raw_key("\x01\x9a\xff\x00\x42 binary key bytes\x7f", 24);
    const std::string secret = "whsec_" + common::base64_encode(raw_key);
    const auto key = common::webhook_signing_key(secret);
    ASSERT_TRUE(key);
    EXPECT_EQ(*key, raw_key);
    const std::string body = "{\"a\":\"\u2192\"}";
    EXPECT_EQ(webhook_signature(*key, "msg_2", 1700000000, body),
              openssl_signature(raw_key, "msg_2.1700000000." + body));
}

TEST(signing_test, whsec_secret_that_is_not_base64_is_refused) {
    EXPECT_FALSE(common::webhook_signing_key("whsec_not*base64!"));
}

TEST(signing_test, standard_headers_sign_only_with_a_key) {
    auto unsigned_headers = standard_webhook_headers("id1", 42, "{}", std::nullopt);
    EXPECT_EQ(unsigned_headers, (http_headers{{"webhook-id", "id1"}, {"webhook-timestamp", "42"}}));
    auto signed_headers = standard_webhook_headers("id1", 42, "{}", std::string("k"));
    ASSERT_EQ(signed_headers.size(), 3u);
    EXPECT_EQ(signed_headers[2].first, "webhook-signature");
    EXPECT_EQ(signed_headers[2].second, webhook_signature("k", "id1", 42, "{}"));
}

}  // namespace
}  // namespace sesmon::notify
