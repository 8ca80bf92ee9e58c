#pragma once
// hmac_sha256_key: HMAC-SHA256 with a key set once, for signing many messages with the same
// secret (the API signer: one signature per request). The one-shot common::hmac_sha256
// fetches the algorithms from OpenSSL's provider and hashes the key again on every call;
// this keeps a keyed context and restarts it for each message (OpenSSL copies the keyed
// inner state: no fetch, no key schedule, no allocation per message).
//
// Not thread-safe: sign() reuses one context. Use one object per thread.
#include <array>
#include <cstddef>
#include <string_view>

struct evp_mac_ctx_st;

namespace sesmon::common {

class hmac_sha256_key {
  public:
    static constexpr std::size_t digest_size = 32;
    using digest = std::array<unsigned char, digest_size>;

    // Throws std::runtime_error when OpenSSL cannot provide HMAC-SHA256.
    explicit hmac_sha256_key(std::string_view key);
    ~hmac_sha256_key();
    hmac_sha256_key(const hmac_sha256_key&) = delete;
    hmac_sha256_key& operator=(const hmac_sha256_key&) = delete;

    // HMAC-SHA256(key, data).
    digest sign(std::string_view data);

  private:
    evp_mac_ctx_st* ctx_;
};

// Standard Base64 (with padding) of a digest, into a fixed buffer: 44 characters.
std::array<char, 44> base64_of(const hmac_sha256_key::digest& d);

}  // namespace sesmon::common
