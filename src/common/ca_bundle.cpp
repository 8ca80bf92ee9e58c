#include "common/ca_bundle.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <sys/stat.h>

#include <memory>

namespace sesmon::common {

namespace {
constexpr off_t max_ca_bundle_bytes = 16 * 1024 * 1024;
}  // namespace

std::string ca_bundle_problem(const std::string& path) {
    // Not a FIFO or a device: OpenSSL would read it forever.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return path + " is not a regular file";
    }
    if (st.st_size > max_ca_bundle_bytes) {
        return path + " is larger than 16 MiB: not a CA bundle";
    }
    ERR_clear_error();
    const std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                        &X509_STORE_free);
    if (!store) {
        return "cannot check " + path + ": out of memory";
    }
    if (X509_STORE_load_file(store.get(), path.c_str()) == 1) {
        ERR_clear_error();
        return "";
    }
    // The earliest error says why (a PEM block that does not decode, no certificate at all).
    const unsigned long code = ERR_peek_error();
    ERR_clear_error();
    const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
    return path + " is not a PEM CA bundle (" +
           (reason != nullptr ? std::string(reason) : std::string("no certificate found")) +
           "): it must hold at least one -----BEGIN CERTIFICATE----- block";
}

}  // namespace sesmon::common
