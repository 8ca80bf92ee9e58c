#pragma once
// NAVER Cloud API Gateway request signing, signature v2 (ncp-api.md "Request signing").
// No clock, no I/O: the timestamp is an argument.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto_hmac.hpp"

namespace sesmon::ncp {

// The signed text: METHOD + " " + PATH_WITH_QUERY + "\n" + TIMESTAMP + "\n" + ACCESS_KEY.
std::string string_to_sign(std::string_view method, std::string_view path_with_query,
                           std::int64_t timestamp_ms, std::string_view access_key);

// Base64 (with padding) of HMAC-SHA256 keyed by `secret_key` over string_to_sign(...).
// `path_with_query` must be exactly the request-target sent on the wire. One-shot: keys
// HMAC on every call (tests, tools); the poll path uses `signer`.
std::string sign_v2(std::string_view method, std::string_view path_with_query,
                    std::int64_t timestamp_ms, std::string_view access_key,
                    std::string_view secret_key);

// sign_v2 for one key pair, keyed once: each signature costs one HMAC over ~80 bytes and
// no allocation beyond the returned string. Holds the secret only inside OpenSSL's keyed
// context. Not thread-safe (one executor).
class signer {
  public:
    // Throws std::runtime_error when OpenSSL cannot provide HMAC-SHA256.
    signer(std::string_view access_key, std::string_view secret_key);

    std::string sign(std::string_view method, std::string_view path_with_query,
                     std::int64_t timestamp_ms);
    const std::string& access_key() const { return access_key_; }

  private:
    std::string access_key_;
    common::hmac_sha256_key key_;
    std::string text_;  // the string to sign, reused
};

}  // namespace sesmon::ncp
