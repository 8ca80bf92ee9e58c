#include "cli/history_view.hpp"

#include "common/text_table.hpp"
#include "common/time_format.hpp"

namespace sesmon::cli {

std::string history_table(const std::vector<state::upgrade_summary>& upgrades, wall_time now,
                          const web::eta_lookup& eta, const std::string& none) {
    if (upgrades.empty())
        return none + "\n";
    std::vector<std::vector<std::string>> cells;
    for (const auto& u : upgrades) {
        const bool running = u.outcome == "in_progress";
        std::string took = common::format_duration(
            std::chrono::duration_cast<std::chrono::seconds>(u.duration_at(now)));
        if (running)
            took += " so far";
        const auto expected = running && eta ? eta(u) : std::nullopt;
        cells.push_back({u.id, u.cluster, u.from_version + " \u2192 " + u.to_version,
                         common::format_rfc3339_utc(u.started_at), took, u.outcome,
                         std::to_string(u.nodes_complete) + "/" + std::to_string(u.nodes_total),
                         expected ? common::format_rfc3339_utc(*expected) : "-"});
    }
    return common::render_table(
        {"ID", "CLUSTER", "VERSIONS", "STARTED", "DURATION", "OUTCOME", "NODES", "EXPECTED FINISH"},
        cells);
}

}  // namespace sesmon::cli
