#pragma once
// player: the state a cluster shows at a given virtual time. Pure: the same (cluster,
// time) always gives the same view; no clock, no I/O.
#include <optional>
#include <string>
#include <vector>

#include "sesmon/time.hpp"
#include "sim/scenario.hpp"

namespace sesmon::sim {

struct node_view {
    std::string hostname;  // after replacement, the new one
    std::string role;
    std::string status;        // the status word shown
    std::string updated_text;  // updatedDate as rendered (anomalies included)
    wall_time updated{};       // the instant behind updated_text
};

enum class cluster_phase { idle, upgrading, stuck, failed, complete, vanished };
std::string_view to_string(cluster_phase phase);

struct cluster_view {
    cluster_phase phase = cluster_phase::idle;
    // getRollingUpgradeProgress shows an upgrade (versionVo + nodes); false → idle variant.
    bool shows_upgrade = false;
    std::string current_version;           // versionVo.currentVersionCode
    std::string target_version;            // versionVo.targetVersionCode
    std::optional<wall_time> action_date;  // of the upgrade shown, or the last one
    std::vector<node_view> nodes;          // in the scenario's listing order
    // getClusterInfo / getClusterInfoList.
    std::string version_code;
    std::string cluster_status;  // "changing" during an upgrade, else "running"
};

cluster_view play(const cluster_spec& cluster, wall_time now);

// "2140" → "2.14.0" (searchEngineVersion); other shapes are returned unchanged.
std::string version_name(const std::string& code);

}  // namespace sesmon::sim
