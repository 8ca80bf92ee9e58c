#pragma once
// Loading the configuration for an operator command (SPEC §2): problems become one line each
// on the given stream, and the caller exits 2.
#include <optional>
#include <ostream>
#include <string>

#include "config/environment.hpp"
#include "sesmon/config.hpp"

namespace sesmon::config_file {

// The loaded configuration, or nullopt after writing every problem to `err`, one line each
// ("file:line:col: path: message"; other failures as "file: message").
std::optional<sesmon::config> load_or_report(const std::string& path, std::ostream& err,
                                             const environment& env = process_environment());

}  // namespace sesmon::config_file
