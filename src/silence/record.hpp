#pragma once
// record: one cluster's silence (SPEC §14) as the state store keeps it — in state.db's
// `clusters.silence` column and in the HA group's cluster record — so that restarts and
// takeovers neither lose one nor make a second.
//
// Two halves. The *desire* (what should be in Alertmanager: active until ends_at, or
// ended) is committed before anything acts on it, like an event; every change of it bumps
// `version`. The *knowledge* (the silence's id, which version Alertmanager holds) is
// written after acting, and may lag after a crash: then the silence is found again by its
// marker (createdBy + comment) instead of being created twice. Plain data.
#include <cstdint>
#include <string>
#include <vector>

#include "sesmon/time.hpp"
#include "silence/matcher_template.hpp"

namespace sesmon::silence {

struct silence_record {
    // Desire.
    std::string upgrade_id;        // the history id of the upgrade it is for
    std::uint32_t generation = 1;  // the upgrade's nth silence (a stall ends one; one more
                                   // may follow when it clears)
    bool active = true;            // false: to be expired (or never to exist)
    std::string ended_by;          // why not active: upgrade_finished, upgrade_stalled, ...
    bool final = false;            // no further silence for this upgrade (a failure)
    std::vector<expanded_matcher> matchers;  // expanded once, at creation (updates keep them)
    wall_time starts_at{};                   // when the desire to silence began
    wall_time ends_at{};                     // the endsAt wanted
    std::string comment;
    std::string created_by;  // ses-upgrade-monitor/<member or host>
    std::uint64_t version = 1;

    // Knowledge.
    std::string silence_id;       // Alertmanager's id; "" until created or found
    std::uint64_t applied = 0;    // the version Alertmanager holds (version: nothing to do)
    wall_time applied_ends_at{};  // the endsAt it holds as far as we know (set by us)

    bool synced() const { return applied == version; }
    // Ended, and Alertmanager was told (or never had one).
    bool settled() const { return !active && synced(); }
    friend bool operator==(const silence_record&, const silence_record&) = default;
};

// The text that finds a silence again after a crash: the end of its comment.
// "[ses-upgrade-monitor upgrade=<id> silence=<generation>]"
std::string marker(const silence_record& r);

// The prefix of every createdBy of ours.
inline constexpr std::string_view created_by_prefix = "ses-upgrade-monitor/";

}  // namespace sesmon::silence
