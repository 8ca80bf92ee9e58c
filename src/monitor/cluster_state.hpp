#pragma once
// cluster_state: everything monitor::tracker knows about one cluster, as a plain value.
// It is the tracker's whole memory: a tracker constructed from a saved cluster_state behaves
// exactly like the one that saved it (timers resume from these wall-clock times, nothing
// is emitted twice). Serialized by cluster_state_json.hpp; persisted by state::store.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/time.hpp"

namespace sesmon::monitor {

// An upgrade is identified by (instance_no, actionDate, targetVersionCode) — SPEC §4. The
// instance_no is the cluster's, so it is not repeated here. Both fields are kept verbatim;
// both are "" when the response had no versionVo.
struct upgrade_identity {
    std::string action_date;     // versionVo.actionDate as received
    std::string target_version;  // versionVo.targetVersionCode
    friend bool operator==(const upgrade_identity&, const upgrade_identity&) = default;
};

// How long a node spent in one Upgrade_* status it has left (for the adaptive stall rule).
struct stage_time {
    std::string status;  // verbatim
    duration time{};     // whole seconds
    friend bool operator==(const stage_time&, const stage_time&) = default;
};

// One node of the tracked upgrade.
struct node_record {
    std::string hostname;
    std::string role;
    std::string status;           // verbatim, as last observed
    std::string previous_status;  // status before the last change; "" if none seen
    wall_time since{};            // in `status` since: earliest of first sight and a valid
                                  // updatedDate (see docs/events.md, "Time in a stage")
    wall_time first_seen{};       // when this daemon first saw the node in this upgrade
    wall_time last_seen{};        // last observation (volatile: not alone a reason to save)
    std::uint64_t changes = 0;    // status changes observed in this upgrade (for event ids)
    bool listed = true;           // false once the node left the API's list; the record is
                                  // kept so a returning hostname continues its `changes`
    // When the node left `running`: the `since` of its first status past pending (unset
    // when first seen already complete). Its time for the ETA is complete's since − this.
    std::optional<wall_time> upgrading_since;
    std::vector<stage_time> stages;  // Upgrade_* statuses it left, oldest first (capped)
    friend bool operator==(const node_record&, const node_record&) = default;
};

enum class upgrade_phase {
    in_progress,  // upgrade_started emitted, neither finished nor vanished
    finished,     // upgrade_finished emitted (or first seen already finished)
    vanished,     // upgrade_vanished emitted
};

// A stall episode (SPEC §4): opened by upgrade_stalled, closed by stall_cleared.
struct stall_episode {
    bool open = false;
    std::uint64_t number = 0;  // episodes opened so far in this upgrade; the open one's number
    std::string reason;        // "node_stage_timeout" | "no_progress_timeout"
    std::string hostname;      // node_stage_timeout: the stuck node
    std::string status;        // node_stage_timeout: its status
    wall_time since{};         // when the stalled condition began (stage entry / last change)
    wall_time detected_at{};   // when upgrade_stalled was emitted
    friend bool operator==(const stall_episode&, const stall_episode&) = default;
};

struct upgrade_record {
    upgrade_identity identity;
    upgrade_phase phase = upgrade_phase::in_progress;
    std::string from_version;              // currentVersionCode when the upgrade was first seen
    std::string to_version;                // targetVersionCode
    wall_time started_at{};                // earliest of first sight and a valid actionDate
    std::optional<wall_time> finished_at;  // finished: when the last node completed
    std::optional<wall_time> ended_at;     // finished/vanished: when we noticed
    int node_count = 0;                    // result.nodeCount, as last observed
    int nodes_complete = 0;                // listed nodes classified complete
    std::vector<node_record> nodes;        // in the API's order
    wall_time last_change{};               // last node status change (or start)
    int absent_polls = 0;                  // consecutive polls not showing this upgrade
    stall_episode stall;
    friend bool operator==(const upgrade_record&, const upgrade_record&) = default;
};

// A blind episode (SPEC §4): opened by monitor_blind, closed by monitor_recovered.
struct blind_episode {
    bool open = false;
    std::uint64_t number = 0;                // episodes opened so far; the open one's number
    std::optional<wall_time> last_success;   // last successful poll (volatile, see above)
    std::optional<wall_time> first_failure;  // first failure after the last success, if failing
    std::string last_error;                  // message of the last failed poll
    std::optional<wall_time> opened_at;      // when monitor_blind was emitted
    friend bool operator==(const blind_episode&, const blind_episode&) = default;
};

// The episodes of the cluster's own OpenSearch view (SPEC §16).
// cluster_health_red opens one, cluster_health_cleared closes it.
struct health_episode {
    bool open = false;
    std::uint64_t number = 0;  // episodes opened so far; the open one's number
    wall_time since{};         // the reading that found it red
    upgrade_identity upgrade;  // the upgrade it opened in: part of its events' ids
    friend bool operator==(const health_episode&, const health_episode&) = default;
};

// How the active shard recoveries move (recovery_stuck).
struct recovery_watch {
    unsigned long long fingerprint = 0;  // of the last reading; 0: no recovery active
    std::optional<wall_time> moved_at;   // when the fingerprint last changed
    bool stuck = false;                  // recovery_stuck emitted for this fingerprint
    std::uint64_t number = 0;            // stuck periods so far (their events' episode)
    friend bool operator==(const recovery_watch&, const recovery_watch&) = default;
};

// Caps that keep a state file small whatever the API sends.
inline constexpr std::size_t max_emitted_ids = 4096;
inline constexpr std::size_t max_unknown_statuses = 64;
inline constexpr std::size_t max_stage_times = 16;  // per node

struct cluster_state {
    // The current upgrade, or the last one (finished/vanished) until a new one shows up.
    std::optional<upgrade_record> upgrade;
    blind_episode blind;
    // Ids of events already emitted, oldest first. Holds the current upgrade's events and
    // blind episodes since it started; cleared when a new upgrade starts; capped at
    // max_emitted_ids (oldest dropped).
    std::vector<std::string> emitted;
    // Unknown status words already reported (verbatim), capped at max_unknown_statuses.
    std::vector<std::string> unknown_statuses;
    health_episode red;       // SPEC §16, only with an `opensearch` view
    recovery_watch recovery;  // likewise
    friend bool operator==(const cluster_state&, const cluster_state&) = default;
};

}  // namespace sesmon::monitor
