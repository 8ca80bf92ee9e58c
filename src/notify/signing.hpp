#pragma once
// Standard Webhooks signing (https://www.standardwebhooks.com/): the receiver recomputes
// HMAC-SHA256(key, id + "." + timestamp + "." + body) and compares it to webhook-signature.
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/http_client.hpp"

namespace sesmon::notify {

// The key comes from common::webhook_signing_key (common/crypto.hpp).

// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>".
std::string webhook_signature(std::string_view key, std::string_view id, long long unix_seconds,
                              std::string_view body);

// webhook-id, webhook-timestamp, and webhook-signature when `key` is set.
http_headers standard_webhook_headers(std::string_view id, long long unix_seconds,
                                      std::string_view body, const std::optional<std::string>& key);

}  // namespace sesmon::notify
