#pragma once
// Small, pure wrappers over OpenSSL's one-shot digests and Base64. No state, thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace sesmon::common {

// Raw 32-byte SHA-256 / HMAC-SHA256 digests (as bytes in a std::string).
std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);

// Lower-case hex of arbitrary bytes.
std::string to_hex(std::string_view bytes);

// Standard Base64 (RFC 4648 §4, with padding).
std::string base64_encode(std::string_view bytes);
// Decodes standard Base64; nullopt on any invalid character or length.
std::optional<std::string> base64_decode(std::string_view text);

// Compares two strings in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace sesmon::common
