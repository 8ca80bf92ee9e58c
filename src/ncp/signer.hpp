#pragma once
// NAVER Cloud API Gateway request signing, signature v2 (ncp-api.md "Request signing").
// Pure functions: no clock, no I/O.
#include <cstdint>
#include <string>
#include <string_view>

namespace sesmon::ncp {

// The signed text: METHOD + " " + PATH_WITH_QUERY + "\n" + TIMESTAMP + "\n" + ACCESS_KEY.
std::string string_to_sign(std::string_view method, std::string_view path_with_query,
                           std::int64_t timestamp_ms, std::string_view access_key);

// Base64 (with padding) of HMAC-SHA256 keyed by `secret_key` over string_to_sign(...).
// `path_with_query` must be exactly the request-target sent on the wire.
std::string sign_v2(std::string_view method, std::string_view path_with_query,
                    std::int64_t timestamp_ms, std::string_view access_key,
                    std::string_view secret_key);

}  // namespace sesmon::ncp
