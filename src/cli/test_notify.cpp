#include <iostream>

#include "cli/commands.hpp"

namespace sesmon::cli {

// Placeholder until the module behind this command lands; fails loudly rather than
// pretending to work.
int test_notify(const std::string&, const std::string&) {
    std::cerr << "ses-upgrade-monitor: test_notify is not built yet\n";
    return 1;
}

}  // namespace sesmon::cli
