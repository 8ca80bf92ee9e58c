#pragma once
// Test helpers for the configuration loader: a scratch directory, an injected environment,
// and a shortcut to the error text of an invalid document.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "config/load.hpp"

namespace sesmon::config_file::testing {

// The fake API keys every "valid" test document gets through the environment seam.
inline constexpr const char* test_access_key = "AKIA-TEST-ACCESS-9f1c";
inline constexpr const char* test_secret_key = "SK-TEST-SECRET-77d2e";

inline environment fake_environment(std::map<std::string, std::string> vars) {
    return environment{
        [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
            const auto it = vars.find(name);
            if (it == vars.end()) {
                return std::nullopt;
            }
            return it->second;
        }};
}

inline environment keys_environment() {
    return fake_environment(
        {{"NCLOUD_ACCESS_KEY", test_access_key}, {"NCLOUD_SECRET_KEY", test_secret_key}});
}

// A fresh directory under the system temp dir, removed with everything in it.
class scratch_dir {
  public:
    scratch_dir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "sesmon-config-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }

    const std::filesystem::path& path() const { return path_; }

    // Writes `content` to `name` with exactly `mode`; returns the full path.
    std::string write(const std::string& name, const std::string& content,
                      mode_t mode = 0600) const {
        const auto file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
        ::chmod(file.c_str(), mode);
        return file.string();
    }

  private:
    std::filesystem::path path_;
};

// The error text of parsing `yaml` as "config.yaml"; "" when it is valid.
inline std::string error_of(const std::string& yaml, const environment& env = keys_environment(),
                            const std::string& name = "config.yaml") {
    try {
        parse(yaml, name, env);
    } catch (const error& e) {
        return e.what();
    }
    return "";
}

// A minimal valid document with one cluster, to which tests append sections.
inline const std::string one_cluster =
    "clusters:\n  - name: prod-logs\n    instance_no: \"1037001\"\n";

}  // namespace sesmon::config_file::testing
