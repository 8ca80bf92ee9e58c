#include "support/test_certs.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace sesmon::test {

temp_dir::temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sesmon-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
}

temp_dir::~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

command_result run_shell(const std::string& command, const std::string& input) {
    temp_dir dir;
    const auto input_file = dir.path() / "stdin";
    {
        std::ofstream out(input_file, std::ios::binary);
        out << input;
    }
    const std::string full = "(" + command + ") < " + shell_quote(input_file.string());
    command_result result;
    FILE* pipe = ::popen(full.c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    std::array<char, 4096> chunk{};
    std::size_t n = 0;
    while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0) {
        result.output.append(chunk.data(), n);
    }
    const int status = ::pclose(pipe);
    if (status != -1 && WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    }
    return result;
}

bool have_openssl_cli() {
    return run_shell("openssl version >/dev/null 2>&1 && echo yes").output == "yes\n";
}

test_certificate make_self_signed_certificate(const std::filesystem::path& dir,
                                              const std::string& name,
                                              const std::vector<std::string>& alt_names) {
    test_certificate cert{dir / (name + ".crt"), dir / (name + ".key")};
    std::string san = "subjectAltName=";
    for (std::size_t i = 0; i < alt_names.size(); ++i) {
        san += (i ? "," : "") + alt_names[i];
    }
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
        " -subj " +
        shell_quote("/CN=" + name) + " -addext " + shell_quote(san) + " -keyout " +
        shell_quote(cert.key_file.string()) + " -out " + shell_quote(cert.cert_file.string()) +
        " 2>&1";
    const auto result = run_shell(command);
    if (result.exit_code != 0) {
        throw std::runtime_error("openssl req failed: " + result.output);
    }
    return cert;
}

}  // namespace sesmon::test
