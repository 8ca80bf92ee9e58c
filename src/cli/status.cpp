#include <iostream>

#include "cli/commands.hpp"

namespace sesmon::cli {

// Placeholder until the API client lands; fails loudly rather than pretending to work.
int status(const std::string&, const std::optional<std::string>&, const std::string&) {
    std::cerr << "ses-upgrade-monitor: status is not built yet\n";
    return 1;
}

}  // namespace sesmon::cli
