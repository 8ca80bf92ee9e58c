#pragma once
// The check behind every `ca_file` key: the file must load as a PEM CA bundle exactly as the
// TLS client will load it (OpenSSL's X509_STORE_load_file, which SSL_CTX_load_verify_file
// uses), so a bundle the loader accepts can never make `run` fail later.
#include <string>

namespace sesmon::common {

// "" when `path` is a regular file of at most 16 MiB that loads as a bundle of at least one
// PEM certificate; otherwise a one-line problem naming the file (OpenSSL's reason included).
std::string ca_bundle_problem(const std::string& path);

}  // namespace sesmon::common
