#include "ncp/signer.hpp"

#include <charconv>

#include "common/crypto.hpp"

namespace sesmon::ncp {

namespace {

void append_string_to_sign(std::string& text, std::string_view method,
                           std::string_view path_with_query, std::int64_t timestamp_ms,
                           std::string_view access_key) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, timestamp_ms).ptr;
    text.append(method).append(" ").append(path_with_query).append("\n");
    text.append(digits, end).append("\n").append(access_key);
}

}  // namespace

std::string string_to_sign(std::string_view method, std::string_view path_with_query,
                           std::int64_t timestamp_ms, std::string_view access_key) {
    std::string text;
    text.reserve(method.size() + path_with_query.size() + access_key.size() + 24);
    append_string_to_sign(text, method, path_with_query, timestamp_ms, access_key);
    return text;
}

std::string sign_v2(std::string_view method, std::string_view path_with_query,
                    std::int64_t timestamp_ms, std::string_view access_key,
                    std::string_view secret_key) {
    return common::base64_encode(common::hmac_sha256(
        secret_key, string_to_sign(method, path_with_query, timestamp_ms, access_key)));
}

signer::signer(std::string_view access_key, std::string_view secret_key)
    : access_key_(access_key), key_(secret_key) {}

std::string signer::sign(std::string_view method, std::string_view path_with_query,
                         std::int64_t timestamp_ms) {
    text_.clear();
    append_string_to_sign(text_, method, path_with_query, timestamp_ms, access_key_);
    const auto b64 = common::base64_of(key_.sign(text_));
    return {b64.data(), b64.size()};
}

}  // namespace sesmon::ncp
