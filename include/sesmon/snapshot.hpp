#pragma once
// snapshot: one successful getRollingUpgradeProgress response, parsed and normalised.
// A value type: produced by ncp::parse_progress, consumed by monitor::tracker.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/time.hpp"

namespace sesmon {

// How a node status word is understood (SPEC §4). Comparison is case-insensitive.
enum class node_phase {
    pending,    // "running": not upgraded yet
    upgrading,  // "Upgrade_<stage>"
    complete,   // "complete" / "completed"
    failed,     // contains "fail" or "error"
    unknown,    // anything else, kept verbatim
};

std::string_view to_string(node_phase phase);

// Classifies a status word. Never throws.
node_phase classify_status(std::string_view status);

// "<stage>" of an "Upgrade_<stage>" status (case kept as received); empty otherwise.
std::string upgrade_stage(std::string_view status);

struct node_observation {
    std::string hostname;
    std::string role;                     // nodeRoleCode: M, D, DO, MO (kept verbatim)
    std::string status;                   // verbatim
    std::string updated_raw;              // as received, "" when missing
    std::optional<wall_time> updated_at;  // parsed with the API's zone offset, if it parsed

    friend bool operator==(const node_observation&, const node_observation&) = default;
};

struct version_info {
    std::string current_version;  // compared as text, never parsed
    std::string target_version;
    std::string action_date_raw;         // as received
    std::optional<wall_time> action_at;  // parsed, if it parsed

    friend bool operator==(const version_info&, const version_info&) = default;
};

struct snapshot {
    std::string cluster_name;             // result.name
    int node_count = 0;                   // result.nodeCount (may disagree with nodes.size())
    std::optional<version_info> version;  // null or missing versionVo → nullopt
    std::vector<node_observation> nodes;  // empty when missing

    friend bool operator==(const snapshot&, const snapshot&) = default;
};

}  // namespace sesmon
