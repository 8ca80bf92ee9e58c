#pragma once
// scenario: what the simulator plays, as loaded from YAML (docs/simulator.md documents every
// key). All times are resolved to absolute instants at load time, so the player is a pure
// function of (scenario, virtual time).
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sesmon/time.hpp"
#include "sim/fault.hpp"

namespace sesmon::sim {

// What getRollingUpgradeProgress answers when no upgrade is visible (ncp-api.md leaves it
// open, so every plausible variant can be played).
enum class idle_variant {
    empty_list,         // versionVo present, nodeStatusVoList []
    missing_list,       // versionVo present, no nodeStatusVoList key
    null_version,       // versionVo null, nodeStatusVoList []
    service_error,      // HTTP 400, code != 0
    service_error_200,  // HTTP 200, code != 0
};

enum class date_anomaly { none, future, unparsable };

struct stage {
    std::string name;  // the status word shown, e.g. "Upgrade_OpenSearch"
    duration length{};
};

struct node_spec {
    std::string hostname;
    std::string role;     // M, D, DO, MO
    wall_time updated{};  // updatedDate before the node's upgrade starts
};

// Per-node deviations from the upgrade's plan.
struct node_plan {
    std::vector<stage> stages;  // empty: the upgrade's stages
    // Stuck: the node stays in `stuck_stage` for `stuck_for` longer than planned, or forever.
    std::optional<std::string> stuck_stage;
    duration stuck_for{};
    bool stuck_forever = false;
    // Failed: `fail_after` into `fail_stage` the node shows `fail_word` and the upgrade stops.
    std::optional<std::string> fail_stage;
    duration fail_after{};
    std::string fail_word = "fail";
    // Replaced: from entering `replace_stage` (default: its first stage) on, the node is
    // listed under `replaced_by` instead of its hostname.
    std::optional<std::string> replaced_by;
    std::optional<std::string> replace_stage;
};

struct upgrade_spec {
    wall_time start{};  // actionDate
    std::string target_version;
    std::vector<std::string> order;  // hostnames; every node of the cluster exactly once
    std::vector<stage> stages;
    duration gap{};  // between one node's completion and the next node's first stage
    std::map<std::string, node_plan> nodes;
    bool idle_after_complete = false;      // false: nodes stay `complete` forever
    duration idle_after{};                 // how long after completion it turns idle
    std::optional<duration> vanish_after;  // the upgrade disappears this long after start
};

// A span of virtual time, [from, until) (no until: from then on).
struct time_window {
    wall_time from{};
    std::optional<wall_time> until;
    bool contains(wall_time t) const { return t >= from && (!until || t < *until); }
};

// The cluster's own OpenSearch endpoint (SPEC §16), served on a listener of its own; what it
// shows follows the played upgrade (docs/simulator.md, "OpenSearch").
struct opensearch_spec {
    std::string username;  // Basic authentication required when set
    std::string password;
    int shards_per_node = 5;  // shard copies on each data node (roles D, DO)
    duration recovery =
        std::chrono::seconds(60);          // how long a rejoined node's shards take to recover
    std::vector<time_window> red;          // _cluster/health red in these windows
    std::vector<time_window> unreachable;  // connections reset in these windows
    // The recovery after this node rejoins stops at `stuck_recovery_percent` for good.
    std::optional<std::string> stuck_recovery_node;
    double stuck_recovery_percent = 40;
    std::vector<std::string> absent_nodes;  // complete in the API, never back in _cat/nodes
    enum class snapshot_kind { fresh, none, at };
    snapshot_kind snapshot = snapshot_kind::fresh;  // fresh: the latest ended 30 min ago
    wall_time snapshot_at{};                        // snapshot_kind::at: when it ended
};

struct cluster_spec {
    std::string name;
    std::string instance_no;
    std::string region = "KR";  // KR, SGN, JPN, KRS: decides the route prefix
    std::string version;        // current version code, e.g. "2140"
    std::vector<node_spec> nodes;
    std::optional<upgrade_spec> upgrade;
    idle_variant idle = idle_variant::empty_list;
    std::string pending_word = "running";
    std::string complete_word = "complete";
    date_anomaly dates = date_anomaly::none;
    std::vector<fault_spec> faults;
    // The cluster exists from `appears` (created) until `disappears` (deleted); outside
    // that window every route answers as for an unknown cluster and the list omits it.
    std::optional<wall_time> appears, disappears;
    bool disallowed = false;  // listed under disallowedClusters; its other routes refuse
    std::string vpc_name = "sim-vpc";
    std::optional<opensearch_spec> opensearch;  // no endpoint of its own when absent
};

// Whether `c` exists at virtual time `now` (its appears/disappears window).
bool exists_at(const cluster_spec& c, wall_time now);

struct scenario {
    std::string source;  // file name, for messages
    wall_time start{};   // virtual time at startup
    bool region_no_required = false;
    std::uint64_t seed = 1;
    std::vector<cluster_spec> clusters;
    std::vector<fault_spec> faults;  // global
    // getSearchEngineVersionList: these codes and every cluster's version and target.
    std::vector<std::string> versions = {"2110", "2140", "2150", "2170", "2190", "3010"};
};

// A bad scenario: the message starts with "file:line:col: ".
class scenario_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Loads a scenario file. `now` is the start when the file sets no `start:`.
// Throws scenario_error.
scenario load_scenario_file(const std::string& path, wall_time now);
// The same from text; `source` names it in messages.
scenario parse_scenario(const std::string& yaml_text, const std::string& source, wall_time now);

// How add_generated_clusters shapes the fleet.
struct generated_fleet {
    std::size_t nodes = 0;  // nodes per cluster; 0: 3 to 6
    // Upgrades start between 15 min before the scenario's start and this long after it, so
    // that a long run (the HA soak) sees upgrades going on throughout; 0: all in flight.
    std::chrono::seconds spread{0};
};

// Adds `count` fabricated clusters ("gen-00001", instance_no "9000001"...) with upgrades in
// flight at staggered points, for benchmarks.
void add_generated_clusters(scenario& s, std::size_t count, const generated_fleet& shape = {});

// The route prefix of a region ("/api/v2" for KR), and its regionNo ("" when unknown).
std::string region_prefix(const std::string& region);
std::string region_number(const std::string& region);

}  // namespace sesmon::sim
