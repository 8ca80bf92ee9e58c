#include "daemon/reader_history.hpp"

namespace sesmon::daemon {

void reader_history::upgrades(std::optional<std::string> cluster, int limit,
                              callback<std::vector<state::upgrade_summary>> done) {
    reader_.read<std::vector<state::upgrade_summary>>(
        [cluster = std::move(cluster), limit](state::sqlite::connection& db) {
            return state::read_upgrades(db, cluster, limit);
        },
        std::move(done));
}

void reader_history::timeline(std::string id,
                              callback<std::optional<state::upgrade_timeline>> done) {
    reader_.read<std::optional<state::upgrade_timeline>>(
        [id = std::move(id)](state::sqlite::connection& db) {
            return state::read_timeline(db, id);
        },
        std::move(done));
}

}  // namespace sesmon::daemon
