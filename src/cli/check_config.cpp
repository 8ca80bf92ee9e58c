// `ses-upgrade-monitor check-config` (SPEC §2): load and validate the configuration, print
// its summary (exit 0) or every problem found, one line each on stderr (exit 2).
#include <iostream>

#include "cli/commands.hpp"
#include "config/report.hpp"
#include "config/summary.hpp"

namespace sesmon::cli {

int check_config(const std::string& config_path) {
    const auto cfg = config_file::load_or_report(config_path, std::cerr);
    if (!cfg) {
        return 2;
    }
    std::cout << config_file::summarize(*cfg);
    return 0;
}

}  // namespace sesmon::cli
