// `ses-upgrade-monitor history` (SPEC §2): past and current upgrades from state.db, newest
// first, with durations and outcome; an upgrade in progress also with its expected finish.
// Reads state.db read-only, so it is safe while the daemon runs, and needs no API keys.
// Exit 0, 1 when state.db cannot be read, 2 for configuration errors and bad usage.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/history_view.hpp"
#include "cli/state_reading.hpp"
#include "cli/stored_eta.hpp"
#include "sesmon/clock.hpp"
#include "web/history_json.hpp"

namespace sesmon::cli {

int history(const std::string& config_path, const std::optional<std::string>& cluster, int limit,
            const std::string& format) {
    if (limit < 1 || limit > state::max_history_limit) {
        std::cerr << "ses-upgrade-monitor: --limit must be from 1 to " << state::max_history_limit
                  << '\n';
        return 2;
    }
    const auto opened = open_for_command(config_path, std::cerr);
    if (opened.failure != 0)
        return opened.failure;
    const sesmon::config& cfg = *opened.cfg;
    auto& db = opened.db;
    const wall_time now = system_clock().wall_now();
    std::vector<state::upgrade_summary> rows;
    try {
        rows = state::read_upgrades(*db, cluster, limit);
    } catch (const std::exception& e) {
        std::cerr << "ses-upgrade-monitor: cannot read the history: " << e.what() << '\n';
        return 1;
    }
    const stored_eta eta(cfg, *db);
    const web::eta_lookup lookup =
        [&](const state::upgrade_summary& u) -> std::optional<wall_time> {
        try {
            return eta.of_stored(u.instance_no, u.id, now);
        } catch (const std::exception&) {
            return std::nullopt;  // the estimate is an extra: never fail for it
        }
    };
    if (format == "json") {
        std::cout << web::history_json(rows, now, lookup) << '\n';
    } else {
        std::cout << history_table(rows, now, lookup,
                                   cluster
                                       ? "no upgrades of cluster " + *cluster + " in the history"
                                       : "no upgrades in the history");
    }
    return 0;
}

}  // namespace sesmon::cli
