// hmac_sha256_key: the keyed, reusable HMAC gives the one-shot's digests, message after
// message (the context is restarted, not re-keyed, between them).
#include "common/crypto_hmac.hpp"

#include <gtest/gtest.h>

#include "common/crypto.hpp"

namespace sesmon::common {
namespace {

std::string bytes(const hmac_sha256_key::digest& d) {
    return {reinterpret_cast<const char*>(d.data()), d.size()};
}

TEST(crypto_hmac_test, matches_rfc4231_case_2_on_every_reuse) {
    hmac_sha256_key key("Jefe");
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(to_hex(bytes(key.sign("what do ya want for nothing?"))),
                  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}

TEST(crypto_hmac_test, alternating_messages_match_the_one_shot) {
    const std::string secret(131, '\xaa');  // longer than the block: hashed first (RFC 4231 #6)
    hmac_sha256_key key(secret);
    const std::string messages[] = {"", "a",
                                    "Test Using Larger Than Block-Size Key - Hash Key First",
                                    std::string(1000, 'x'), "a"};
    for (const auto& message : messages) {
        EXPECT_EQ(bytes(key.sign(message)), hmac_sha256(secret, message)) << message.size();
    }
}

TEST(crypto_hmac_test, empty_key_is_valid_hmac) {
    hmac_sha256_key key("");
    EXPECT_EQ(bytes(key.sign("data")), hmac_sha256("", "data"));
}

TEST(crypto_hmac_test, base64_of_a_digest_is_standard_base64) {
    hmac_sha256_key key("Jefe");
    const auto d = key.sign("what do ya want for nothing?");
    const auto b = base64_of(d);
    EXPECT_EQ(std::string(b.data(), b.size()), base64_encode(bytes(d)));
}

}  // namespace
}  // namespace sesmon::common
