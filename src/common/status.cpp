#include <algorithm>
#include <cctype>
#include <string>

#include "common/text.hpp"
#include "sesmon/snapshot.hpp"

namespace sesmon {
namespace {

constexpr std::string_view upgrade_prefix = "upgrade_";

}  // namespace

std::string_view to_string(node_phase phase) {
    switch (phase) {
        case node_phase::pending:
            return "pending";
        case node_phase::upgrading:
            return "upgrading";
        case node_phase::complete:
            return "complete";
        case node_phase::failed:
            return "failed";
        case node_phase::unknown:
            return "unknown";
    }
    return "unknown";
}

node_phase classify_status(std::string_view status) {
    const std::string word = common::to_lower(status);
    // Failure words win over everything: "Upgrade_Failed" is a failure, not a stage.
    if (word.find("fail") != std::string::npos || word.find("error") != std::string::npos) {
        return node_phase::failed;
    }
    if (word == "running")
        return node_phase::pending;
    if (word == "complete" || word == "completed")
        return node_phase::complete;
    if (word.size() > upgrade_prefix.size() && word.starts_with(upgrade_prefix)) {
        return node_phase::upgrading;
    }
    return node_phase::unknown;
}

std::string upgrade_stage(std::string_view status) {
    if (classify_status(status) != node_phase::upgrading) {
        return {};
    }
    return std::string(status.substr(upgrade_prefix.size()));
}

}  // namespace sesmon
