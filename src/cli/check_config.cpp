#include <iostream>

#include "cli/commands.hpp"

namespace sesmon::cli {

// Placeholder until the module behind this command lands; fails loudly rather than
// pretending to work.
int check_config(const std::string&) {
    std::cerr << "ses-upgrade-monitor: check_config is not built yet\n";
    return 1;
}

}  // namespace sesmon::cli
