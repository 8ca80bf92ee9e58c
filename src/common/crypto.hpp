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

// The HMAC key of a Standard Webhooks signing secret: for "whsec_<base64>" the decoded
// bytes, otherwise the secret's own bytes. nullopt when a whsec_ secret's remainder is empty
// or not valid Base64. The configuration loader refuses such a secret with this function,
// so the webhook notifier, which signs with it, never meets one.
std::optional<std::string> webhook_signing_key(std::string_view secret);

// Compares two strings in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace sesmon::common
