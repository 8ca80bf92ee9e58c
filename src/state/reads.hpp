#pragma once
// reads: queries over state.db shared by the writer (initial load, reloads) and the
// read-only tools (`deliveries`, the HTTP history). A row that does not decode (a damaged
// or hand-edited row) is skipped with a warning, never fatal.
#include <optional>
#include <string>
#include <vector>

#include "state/records.hpp"
#include "state/sqlite.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

std::vector<cluster_record> read_clusters(sqlite::connection& db, spdlog::logger& log);
std::optional<cluster_record> read_cluster(sqlite::connection& db, const std::string& instance_no,
                                           spdlog::logger& log);

// read_cluster for many clusters one after the other (`status` over a fleet): the statement
// is prepared once, not per cluster (preparing was half of each read).
class cluster_reader {
  public:
    explicit cluster_reader(sqlite::connection& db);
    std::optional<cluster_record> read(const std::string& instance_no, spdlog::logger& log);

  private:
    bool with_silence_;
    sqlite::statement select_;
};

// Discovery's known set, by instance_no; empty when the schema predates it.
std::vector<discovered_record> read_discovered(sqlite::connection& db);

// Outbox rows with `status`, oldest first; only `notifier`'s when given.
std::vector<delivery_record> read_deliveries(sqlite::connection& db, delivery_status status,
                                             const std::optional<std::string>& notifier,
                                             spdlog::logger& log);

}  // namespace sesmon::state
