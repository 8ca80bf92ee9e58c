// `ses-upgrade-monitor check-config` (SPEC §2): load and validate the configuration, then
// check what loads but cannot work here (config/readiness.hpp). Prints the summary (exit 0,
// after any warnings on stderr) or every problem found, one line each on stderr (exit 2).
#include <iostream>

#include "cli/commands.hpp"
#include "config/readiness.hpp"
#include "config/report.hpp"
#include "config/summary.hpp"

namespace sesmon::cli {

int check_config(const std::string& config_path) {
    const auto cfg = config_file::load_or_report(config_path, std::cerr);
    if (!cfg) {
        return 2;
    }
    const config_file::readiness found = config_file::check_readiness(*cfg);
    for (const auto& list : {found.errors, found.warnings}) {
        for (const config_file::issue& problem : list) {
            std::cerr << config_file::error::format(config_path, problem) << '\n';
        }
    }
    if (!found.errors.empty()) {
        return 2;
    }
    std::cout << config_file::summarize(*cfg);
    return 0;
}

}  // namespace sesmon::cli
