#pragma once
// planner: what one cluster's silence should be after the tracker's latest word (SPEC §14).
// Pure: the cluster runtime calls plan() after every poll and tick and after every result
// of the silence manager, and commits the record when it changed.
//
// The rules:
// - An upgrade in progress, not stalled, with no failed node: a silence, active until its
//   expected finish + margin. Extended (same silence, same matchers) when that moves later
//   by a minute or more; the comment follows the remaining nodes. Never shortened.
// - Finished, vanished, stalled: the silence ends. A failed node ends it for good (`final`):
//   a failing upgrade is never silenced. After a stall clears, a new silence (the next
//   generation) starts once the old one is known to be expired.
// - A new upgrade waits until the previous one's silence is known to be expired.
// - Nothing is created when the templates cannot expand for this cluster (a label it
//   lacks): `note` says why, for a log line.
#include <optional>
#include <string>
#include <vector>

#include "sesmon/quiet.hpp"
#include "sesmon/time.hpp"
#include "silence/matcher_template.hpp"
#include "silence/record.hpp"

namespace sesmon::silence {

// What the planner needs to know of the cluster's upgrade (from the tracker's state).
struct upgrade_facts {
    std::string upgrade_id;  // "" when the tracker holds no upgrade
    bool in_progress = false;
    bool stalled = false;
    bool failed = false;   // a listed node is classified failed
    std::string ended_by;  // not in progress: upgrade_finished or upgrade_vanished
    std::string from_version;
    std::string to_version;
    int nodes_total = 0;
    int nodes_complete = 0;
    std::vector<std::string> nodes;      // listed host names
    std::vector<std::string> remaining;  // listed and not complete
    std::optional<wall_time> expected_finish;
};

struct plan_context {
    const alertmanager_config* alertmanager = nullptr;  // nullptr: silences are off
    template_context cluster;                           // nodes: filled from the facts
    wall_time now{};
};

struct plan_result {
    std::optional<silence_record> record;
    std::string note;  // why no silence was made ("" when none is wanted or one was)
};

plan_result plan(const std::optional<silence_record>& current, const upgrade_facts& facts,
                 const plan_context& context);

// The comment of a silence: cluster, versions, remaining nodes, and the marker.
std::string silence_comment(const silence_record& r, const upgrade_facts& facts,
                            const std::string& cluster);

}  // namespace sesmon::silence
