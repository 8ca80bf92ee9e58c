#include "common/crypto_rsa.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "common/crypto.hpp"

namespace sesmon::common {
namespace {

struct bio_free {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct pkey_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct x509_free {
    void operator()(X509* x) const { X509_free(x); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

std::unique_ptr<BIO, bio_free> memory_bio(std::string_view pem) {
    return std::unique_ptr<BIO, bio_free>(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// A passphrase callback that refuses: an encrypted key is a problem, not a prompt.
int no_passphrase(char*, int, int, void*) {
    return -1;
}

pkey_ptr load_private(std::string_view pem) {
    auto bio = memory_bio(pem);
    if (!bio)
        return nullptr;
    return pkey_ptr(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
}

pkey_ptr load_public(std::string_view pem) {
    auto bio = memory_bio(pem);
    if (!bio)
        return nullptr;
    if (pem.find("BEGIN CERTIFICATE") != std::string_view::npos) {
        std::unique_ptr<X509, x509_free> cert(
            PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
        return pkey_ptr(cert ? X509_get_pubkey(cert.get()) : nullptr);
    }
    return pkey_ptr(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
}

}  // namespace

std::string rsa_private_key_problem(std::string_view pem) {
    if (pem.find("ENCRYPTED") != std::string_view::npos) {
        return "the private key is encrypted: give the unencrypted PEM the NAVER WORKS "
               "Developer Console issued";
    }
    const pkey_ptr key = load_private(pem);
    if (!key)
        return "not a PEM private key (PKCS#8 \"PRIVATE KEY\" or PKCS#1 \"RSA PRIVATE KEY\")";
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        return "not an RSA key (RS256 needs one)";
    if (EVP_PKEY_get_bits(key.get()) < 2048)
        return "the RSA key is shorter than 2048 bits";
    return "";
}

std::optional<std::string> sign_rs256(std::string_view private_key_pem, std::string_view data) {
    const pkey_ptr key = load_private(private_key_pem);
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        return std::nullopt;
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
        return std::nullopt;
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
        return std::nullopt;
    }
    signature.resize(length);
    return signature;
}

bool verify_rs256(std::string_view public_key_pem, std::string_view data,
                  std::string_view signature) {
    const pkey_ptr key = load_public(public_key_pem);
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        return false;
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
}

std::optional<std::string> public_key_of(std::string_view private_key_pem) {
    const pkey_ptr key = load_private(private_key_pem);
    if (!key)
        return std::nullopt;
    std::unique_ptr<BIO, bio_free> out(BIO_new(BIO_s_mem()));
    if (!out || PEM_write_bio_PUBKEY(out.get(), key.get()) != 1)
        return std::nullopt;
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string base64url_encode(std::string_view bytes) {
    std::string text = base64_encode(bytes);
    while (!text.empty() && text.back() == '=')
        text.pop_back();
    for (char& c : text) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    return text;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    std::string standard(text);
    for (char& c : standard) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (c == '+' || c == '/' || c == '=')
            return std::nullopt;
    }
    if (standard.size() % 4 == 1)
        return std::nullopt;
    while (standard.size() % 4 != 0)
        standard.push_back('=');
    return base64_decode(standard);
}

}  // namespace sesmon::common
