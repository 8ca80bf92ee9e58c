#pragma once
// Test-time certificates and temporary directories, made with the `openssl` command line
// (tests must not ship private keys). Each certificate is self-signed, so the certificate
// file is also the CA file a client trusts it through (https_client_options::ca_file).
#include <filesystem>
#include <string>
#include <vector>

namespace sesmon::test {

// A fresh directory under the system temp dir, removed with its content on destruction.
class temp_dir {
  public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

struct test_certificate {
    std::filesystem::path cert_file;  // PEM certificate (= its own CA)
    std::filesystem::path key_file;   // PEM private key (EC P-256)
};

// Creates "<name>.crt"/"<name>.key" in `dir`, valid now for a day, for the given
// subjectAltName entries ("IP:127.0.0.1", "DNS:localhost"). Throws std::runtime_error
// with openssl's output on failure.
test_certificate make_self_signed_certificate(const std::filesystem::path& dir,
                                              const std::string& name,
                                              const std::vector<std::string>& alt_names);

// Whether the `openssl` command line is available.
bool have_openssl_cli();

struct command_result {
    int exit_code = -1;  // -1 when it could not run or did not exit normally
    std::string output;  // stdout (stderr too when the command redirects it)
};

// Runs `command` through /bin/sh, writing `input` to its stdin; captures its stdout.
command_result run_shell(const std::string& command, const std::string& input = "");

// Single-quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

}  // namespace sesmon::test
