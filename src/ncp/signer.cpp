#include "ncp/signer.hpp"

#include "common/crypto.hpp"

namespace sesmon::ncp {

std::string string_to_sign(std::string_view method, std::string_view path_with_query,
                           std::int64_t timestamp_ms, std::string_view access_key) {
    std::string text;
    text.reserve(method.size() + path_with_query.size() + access_key.size() + 24);
    text.append(method).append(" ").append(path_with_query).append("\n");
    text.append(std::to_string(timestamp_ms)).append("\n").append(access_key);
    return text;
}

std::string sign_v2(std::string_view method, std::string_view path_with_query,
                    std::int64_t timestamp_ms, std::string_view access_key,
                    std::string_view secret_key) {
    return common::base64_encode(common::hmac_sha256(
        secret_key, string_to_sign(method, path_with_query, timestamp_ms, access_key)));
}

}  // namespace sesmon::ncp
