#pragma once
// Inputs shared by the micro-benchmarks: API response bodies and snapshots shaped like the
// ones the daemon sees (tests/fixtures/seed_response.json and generated larger ones).
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sesmon/snapshot.hpp"
#include "sesmon/time.hpp"

namespace sesmon::bench {

using namespace std::chrono_literals;

// 2025-03-24 17:00:00 +09:00.
inline const wall_time t0 = std::chrono::sys_days{std::chrono::year{2025} / 3 / 24} + 8h;

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline std::string seed_response() {
    return read_text(std::string(SESMON_SOURCE_DIR) + "/tests/fixtures/seed_response.json");
}

// A getRollingUpgradeProgress body with `nodes` nodes: the first third complete, one
// upgrading, the rest running (as the simulator renders it).
inline std::string progress_body(int nodes) {
    std::string s = R"({"code":0,"message":"SUCCESS","result":{"name":"big-cluster","nodeCount":)" +
                    std::to_string(nodes) +
                    R"(,"versionVo":{"currentVersionCode":"2140","targetVersionCode":"2150",)"
                    R"("actionDate":"2025-03-24 17:09:41"},"nodeStatusVoList":[)";
    for (int i = 0; i < nodes; ++i) {
        const char* status = i < nodes / 3    ? "complete"
                             : i == nodes / 3 ? "Upgrade_OpenSearch"
                                              : "running";
        if (i > 0)
            s += ',';
        s += R"({"hostname":"big-cluster-d-)" + std::to_string(1000 + i) + R"(","status":")" +
             status + R"(","nodeRoleCode":"D","updatedDate":"2025-03-24 17:1)" +
             std::to_string(i % 10) + R"(:28"})";
    }
    s += R"(]},"requestId":"da7b5fcb-0000-0000-0000-63ed6f14d4b1"})";
    return s;
}

// A parsed snapshot of `nodes` nodes; node i has status statuses[i].
inline snapshot make_snapshot(const std::vector<std::string>& statuses, wall_time updated) {
    snapshot s;
    s.cluster_name = "bench-cluster";
    s.node_count = static_cast<int>(statuses.size());
    version_info v;
    v.current_version = "2140";
    v.target_version = "2150";
    v.action_date_raw = "2025-03-24 17:00:00";
    v.action_at = t0;
    s.version = v;
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        node_observation n;
        n.hostname = "bench-cluster-d-" + std::to_string(i);
        n.role = "D";
        n.status = statuses[i];
        n.updated_raw = "2025-03-24 17:00:00";
        n.updated_at = updated;
        s.nodes.push_back(std::move(n));
    }
    return s;
}

}  // namespace sesmon::bench
