#include <cstdlib>

#include "cli/commands.hpp"

namespace sesmon::cli {

std::string default_config_path() {
    if (const char* env = std::getenv("SES_UPGRADE_MONITOR_CONFIG"); env && *env) {
        return env;
    }
    return "/etc/ses-upgrade-monitor/config.yaml";
}

}  // namespace sesmon::cli
