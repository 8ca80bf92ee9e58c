#include "notify/command_environment.hpp"

#include <algorithm>
#include <array>

extern char** environ;  // NOLINT: POSIX

namespace sesmon::notify {
namespace {

std::string_view name_of(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

}  // namespace

bool passed_to_commands(std::string_view name) {
    static constexpr std::array<std::string_view, 4> exact{"PATH", "LANG", "TZ", "HOME"};
    return std::find(exact.begin(), exact.end(), name) != exact.end() ||
           (name.starts_with("LC_") && name.size() > 3) ||
           (name.starts_with("SES_") && name.size() > 4);
}

std::vector<std::string> command_environment(const std::vector<std::string>& inherited,
                                             const event& e) {
    std::vector<std::string> own = {
        "SES_EVENT_TYPE=" + std::string(to_string(e.type)),
        "SES_EVENT_ID=" + e.id,
        "SES_CLUSTER=" + e.cluster.name,
    };
    std::vector<std::string> env;
    bool has_path = false;
    for (const std::string& entry : inherited) {
        const auto name = name_of(entry);
        if (entry.find('=') == std::string::npos || !passed_to_commands(name)) {
            continue;
        }
        const bool replaced = std::any_of(own.begin(), own.end(),
                                          [&](const std::string& o) { return name_of(o) == name; });
        if (!replaced) {
            has_path = has_path || name == "PATH";
            env.push_back(entry);
        }
    }
    if (!has_path) {
        env.emplace_back("PATH=/usr/local/bin:/usr/bin:/bin");
    }
    env.insert(env.end(), own.begin(), own.end());
    return env;
}

std::vector<std::string> process_environment() {
    std::vector<std::string> out;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        out.emplace_back(*entry);
    }
    return out;
}

}  // namespace sesmon::notify
