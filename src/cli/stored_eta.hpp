#pragma once
// stored_eta: the expected finish (SPEC §4, ETA) for the one-off commands, with what the
// daemon knows: its tracker's stored state of the cluster (this upgrade's complete nodes and
// their times) and the cluster's past upgrades, both from state.db; eta.node_prior where
// state.db has nothing (or is missing or unreadable: that is never an error here).
// Reads state.db read-only, so it is safe while the daemon runs.
#include <memory>
#include <optional>
#include <string>

#include "sesmon/config.hpp"
#include "sesmon/snapshot.hpp"
#include "state/sqlite.hpp"

namespace spdlog {
class logger;
}
namespace sesmon::state {
class cluster_reader;
class node_time_reader;
}  // namespace sesmon::state

namespace sesmon::cli {

class stored_eta {
  public:
    // Opens cfg's state.db read-only if it can.
    explicit stored_eta(const sesmon::config& cfg);
    // An already open state.db (the history command's).
    stored_eta(const sesmon::config& cfg, state::sqlite::connection& db);
    ~stored_eta();

    // The ETA of the upgrade `snap` shows for `cluster`, observed at `now`: the stored
    // tracker state (when it is about the same upgrade) moved on by `snap`.
    std::optional<wall_time> of_poll(const cluster_config& cluster, const snapshot& snap,
                                     wall_time now) const;
    // The ETA of the stored upgrade in progress of the cluster `instance_no`, when its history
    // id is `upgrade_id`.
    std::optional<wall_time> of_stored(const std::string& instance_no,
                                       const std::string& upgrade_id, wall_time now) const;

    // One line for stderr when state.db is there but of a newer version (so its history is
    // not used); "" otherwise.
    const std::string& problem() const { return problem_; }

  private:
    const sesmon::config& cfg_;
    std::unique_ptr<state::sqlite::connection> owned_;
    state::sqlite::connection* db_ = nullptr;
    // Made once, not per read: `status` reads thousands of clusters. The readers are
    // prepared on first use (of_poll is const to its callers).
    std::shared_ptr<spdlog::logger> quiet_;
    mutable std::unique_ptr<state::cluster_reader> clusters_;
    mutable std::unique_ptr<state::node_time_reader> node_times_;
    std::string problem_;
};

}  // namespace sesmon::cli
