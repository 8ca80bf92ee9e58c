#pragma once
// state_reading: what the commands that only read state.db (`deliveries`, `history`) share —
// loading the configuration for its state.directory without needing the API keys (an
// operator's shell has no systemd credentials), and opening the database read-only.
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "sesmon/config.hpp"
#include "state/sqlite.hpp"

namespace sesmon::cli {

// The configuration, or nullopt after printing its problems to `err`. Missing API keys are
// not a problem here (the keys are never used).
std::optional<sesmon::config> load_for_state_reading(const std::string& path, std::ostream& err);

// state.db of `cfg`, read-only; nullptr after printing why not to `err` (one line) and setting
// `failure`: 2 for a state.db of a newer version (SPEC §12, invariant 6), 1 otherwise.
std::unique_ptr<state::sqlite::connection> open_state_for_reading(const sesmon::config& cfg,
                                                                  std::ostream& err, int& failure);

// Both, as a read-only command starts: the configuration and its state.db — or, after
// printing why to `err`, the exit code to return (`failure`: 2 for the configuration or a
// state.db of a newer version, 1 for another state.db problem).
struct state_for_reading {
    std::optional<sesmon::config> cfg;
    std::unique_ptr<state::sqlite::connection> db;
    int failure = 0;
};
state_for_reading open_for_command(const std::string& config_path, std::ostream& err);

}  // namespace sesmon::cli
