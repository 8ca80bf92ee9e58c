#include "sim/self_signed.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace sesmon::sim {
namespace {

template <class T, void (*Free)(T*)>
struct deleter {
    void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION, X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what) {
    char reason[256] = "unknown error";
    if (auto code = ERR_get_error())
        ERR_error_string_n(code, reason, sizeof reason);
    throw std::runtime_error(std::string("self-signed certificate: ") + what + ": " + reason);
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ext_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
        fail("extension");
}

}  // namespace

pem_pair make_self_signed_certificate() {
    pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key)
        fail("key generation");
    x509_ptr cert(X509_new());
    if (!cert)
        fail("X509_new");
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        fail("serial");
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())))
        fail("serial");
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("ses-upgrade-sim"), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), name);
    add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost");
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
        fail("signing");

    bio_ptr cert_bio(BIO_new(BIO_s_mem()));
    bio_ptr key_bio(BIO_new(BIO_s_mem()));
    if (!cert_bio || !key_bio)
        fail("BIO_new");
    if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1)
        fail("writing certificate");
    if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1) {
        fail("writing key");
    }
    return {bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

}  // namespace sesmon::sim
