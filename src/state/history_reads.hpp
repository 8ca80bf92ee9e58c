#pragma once
// history_reads: queries over the history tables (upgrades, node_statuses; history.hpp says
// how they are written) for `ses-upgrade-monitor history`, the HTTP API's /api/v1/history
// and /api/v1/upgrades/{id}, and the ETA's past node times. Plain values out; any
// connection (the tools' read-only ones, the daemon's history reader thread).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "monitor/node_times.hpp"
#include "sesmon/time.hpp"
#include "state/sqlite.hpp"

namespace sesmon::state {

// One upgrade as the history holds it.
struct upgrade_summary {
    std::string id;  // upgrade_id(): 16 hex digits
    std::string instance_no;
    std::string cluster;  // the cluster's name when last written
    std::string from_version;
    std::string to_version;
    std::string action_date;  // as events carry it (RFC 3339 at the API's offset, or raw)
    wall_time started_at{};
    std::optional<wall_time> finished_at;  // finished: when the last node completed
    std::optional<wall_time> ended_at;     // finished/vanished: when the daemon noticed
    std::string outcome;                   // in_progress | finished | failed | vanished
    int nodes_total = 0;
    int nodes_complete = 0;

    // How long it took (finished: to finished_at; ended: to ended_at), or has taken so far.
    duration duration_at(wall_time now) const;
    friend bool operator==(const upgrade_summary&, const upgrade_summary&) = default;
};

// One status of one node: from `started_at` until `ended_at` (nullopt: still in it, or in
// it when the upgrade's history ended).
struct status_span {
    std::string status;
    wall_time started_at{};
    std::optional<wall_time> ended_at;
    friend bool operator==(const status_span&, const status_span&) = default;
};

struct node_timeline {
    std::string hostname;
    std::string role;
    std::vector<status_span> statuses;  // oldest first
    friend bool operator==(const node_timeline&, const node_timeline&) = default;
};

struct upgrade_timeline {
    upgrade_summary upgrade;
    // In the order they were upgraded (the start of their first status past `running`),
    // nodes not started yet last; ties by hostname.
    std::vector<node_timeline> nodes;
};

inline constexpr int default_history_limit = 50;
inline constexpr int max_history_limit = 1000;

// Upgrades newest first (by started_at), at most `limit`; only those of the cluster named
// `cluster` when given.
std::vector<upgrade_summary> read_upgrades(sqlite::connection& db,
                                           const std::optional<std::string>& cluster, int limit);

// One upgrade with every node's statuses; nullopt for an unknown id.
std::optional<upgrade_timeline> read_timeline(sqlite::connection& db, const std::string& id);

// A node's time from leaving `running` (the start of its first Upgrade_* status) to
// `complete`; nullopt unless the timeline shows both.
std::optional<duration> node_time(const node_timeline& node);

// The ETA's history (SPEC §4): per cluster (instance_no), the medians of the node times of
// its last `upgrades` finished upgrades; only `instance_no`'s when given. Clusters without
// such an upgrade are absent.
std::map<std::string, monitor::node_time_medians> read_node_time_medians(
    sqlite::connection& db, const std::optional<std::string>& instance_no, int upgrades = 5);

// One cluster's medians at a time, for many clusters (`status` over a fleet): the statement
// prepared once. Empty medians for a cluster without a finished upgrade.
class node_time_reader {
  public:
    explicit node_time_reader(sqlite::connection& db, int upgrades = 5);
    monitor::node_time_medians read(const std::string& instance_no);

  private:
    int upgrades_;
    sqlite::statement select_;
};

}  // namespace sesmon::state
