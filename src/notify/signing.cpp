#include "notify/signing.hpp"

#include "common/crypto.hpp"

namespace sesmon::notify {

std::string webhook_signature(std::string_view key, std::string_view id, long long unix_seconds,
                              std::string_view body) {
    std::string content;
    content.reserve(id.size() + body.size() + 24);
    content.append(id).append(".").append(std::to_string(unix_seconds)).append(".").append(body);
    return "v1," + common::base64_encode(common::hmac_sha256(key, content));
}

http_headers standard_webhook_headers(std::string_view id, long long unix_seconds,
                                      std::string_view body,
                                      const std::optional<std::string>& key) {
    http_headers headers;
    headers.emplace_back("webhook-id", std::string(id));
    headers.emplace_back("webhook-timestamp", std::to_string(unix_seconds));
    if (key) {
        headers.emplace_back("webhook-signature", webhook_signature(*key, id, unix_seconds, body));
    }
    return headers;
}

}  // namespace sesmon::notify
