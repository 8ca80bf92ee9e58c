#pragma once
// environment: the process environment as the loader sees it, behind a seam so tests never
// touch the real one. The loader reads NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY,
// CREDENTIALS_DIRECTORY and STATE_DIRECTORY through it.
#include <functional>
#include <optional>
#include <string>

namespace sesmon::config_file {

struct environment {
    // The variable's value, or nullopt when it is not set. An empty function means an empty
    // environment.
    std::function<std::optional<std::string>(const std::string&)> getenv;
};

// The real environment of this process (::getenv).
environment process_environment();

}  // namespace sesmon::config_file
