#include "config/environment.hpp"

#include <cstdlib>

namespace sesmon::config_file {

environment process_environment() {
    return environment{[](const std::string& name) -> std::optional<std::string> {
        // Read once per variable while loading; nothing in this process calls setenv.
        const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    }};
}

}  // namespace sesmon::config_file
