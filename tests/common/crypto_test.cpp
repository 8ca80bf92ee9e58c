#include "common/crypto.hpp"

#include <gtest/gtest.h>

namespace sesmon::common {
namespace {

TEST(crypto_test, sha256_matches_known_digest) {
    EXPECT_EQ(to_hex(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(crypto_test, hmac_sha256_matches_rfc4231_case_2) {
    EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(crypto_test, base64_round_trips_every_padding_length) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        EXPECT_EQ(base64_decode(base64_encode(s)), s);
    }
}

TEST(crypto_test, base64_decode_rejects_garbage) {
    EXPECT_FALSE(base64_decode("Zg=").has_value());
    EXPECT_FALSE(base64_decode("Z!==").has_value());
}

TEST(crypto_test, constant_time_equal_compares_content_and_length) {
    EXPECT_TRUE(constant_time_equal("token", "token"));
    EXPECT_FALSE(constant_time_equal("token", "tokem"));
    EXPECT_FALSE(constant_time_equal("token", "token2"));
}

}  // namespace
}  // namespace sesmon::common
