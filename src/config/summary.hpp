#pragma once
// The human summary `check-config` prints: effective values of every cluster and notifier,
// and where each secret comes from. Never a secret value: webhook URLs appear as their
// origin only, header values not at all.
#include <string>

#include "sesmon/config.hpp"

namespace sesmon::config_file {

// Multi-line text ending in '\n'.
std::string summarize(const sesmon::config& cfg);

}  // namespace sesmon::config_file
