// `ses-upgrade-monitor deliveries` (SPEC §2): the outbox as state.db holds it — deliveries
// still pending (with attempts, next attempt and last error) and dead ones (given up, with
// the reason). Reads state.db read-only, so it is safe while the daemon runs. Exit 0, 1 when
// state.db cannot be read, 2 for configuration errors.
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/deliveries_view.hpp"
#include "cli/state_reading.hpp"
#include "state/reads.hpp"

namespace sesmon::cli {

int deliveries(const std::string& config_path, const std::string& which,
               const std::string& format) {
    const auto opened = open_for_command(config_path, std::cerr);
    if (opened.failure != 0)
        return opened.failure;
    auto& db = opened.db;
    // Rows that do not decode are reported on stderr and skipped.
    spdlog::logger warnings("deliveries",
                            std::make_shared<spdlog::sinks::ostream_sink_st>(std::cerr));
    warnings.set_pattern("ses-upgrade-monitor: %v");
    std::vector<state::delivery_record> rows;
    try {
        for (auto status : {state::delivery_status::pending, state::delivery_status::dead}) {
            if (which == "all" || which == state::to_string(status)) {
                auto part = state::read_deliveries(*db, status, std::nullopt, warnings);
                rows.insert(rows.end(), std::make_move_iterator(part.begin()),
                            std::make_move_iterator(part.end()));
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "ses-upgrade-monitor: cannot read the outbox: " << e.what() << '\n';
        return 1;
    }
    std::cout << (format == "json" ? deliveries_json(rows) + "\n" : deliveries_table(rows));
    return 0;
}

}  // namespace sesmon::cli
