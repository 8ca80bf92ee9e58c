#pragma once
// A throwaway self-signed certificate for the simulator's --self-signed option and for
// tests: EC P-256, valid from an hour ago for 30 days, subjectAltName IP:127.0.0.1,
// IP:::1 and DNS:localhost. Being self-signed, the certificate is also its own CA file.
#include <string>

namespace sesmon::sim {

struct pem_pair {
    std::string certificate;  // PEM
    std::string private_key;  // PEM (PKCS#8)
};

// Throws std::runtime_error with OpenSSL's reason on failure.
pem_pair make_self_signed_certificate();

}  // namespace sesmon::sim
