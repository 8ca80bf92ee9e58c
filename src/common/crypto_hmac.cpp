#include "common/crypto_hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdexcept>

namespace sesmon::common {

namespace {

[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("HMAC-SHA256: ") + what + " failed");
}

}  // namespace

hmac_sha256_key::hmac_sha256_key(std::string_view key) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr)
        fail("EVP_MAC_fetch");
    ctx_ = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context holds its own reference
    if (ctx_ == nullptr)
        fail("EVP_MAC_CTX_new");
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end()};
    // An empty key is valid HMAC; OpenSSL wants a non-null pointer for it.
    static const unsigned char empty = 0;
    const auto* bytes = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
    if (EVP_MAC_init(ctx_, bytes, key.size(), params) != 1) {
        EVP_MAC_CTX_free(ctx_);
        fail("EVP_MAC_init");
    }
}

hmac_sha256_key::~hmac_sha256_key() {
    EVP_MAC_CTX_free(ctx_);
}

hmac_sha256_key::digest hmac_sha256_key::sign(std::string_view data) {
    // A null key restarts the context with the key already set (EVP_MAC_init(3)).
    digest out{};
    std::size_t len = 0;
    if (EVP_MAC_init(ctx_, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
            1 ||
        EVP_MAC_final(ctx_, out.data(), &len, out.size()) != 1 || len != out.size()) {
        fail("sign");
    }
    return out;
}

std::array<char, 44> base64_of(const hmac_sha256_key::digest& d) {
    std::array<unsigned char, 45> buffer{};  // 44 characters and EVP_EncodeBlock's NUL
    EVP_EncodeBlock(buffer.data(), d.data(), static_cast<int>(d.size()));
    std::array<char, 44> out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<char>(buffer[i]);
    return out;
}

}  // namespace sesmon::common
