#pragma once
// merge: the pure half of discovery (SPEC §10). From complete listings it keeps the known
// set (what exists), and from the known set, the configuration and the static clusters[]
// it decides what is watched, under which name, and why anything else is not. No I/O, no
// clock: the same inputs always give the same answer, whatever the listing order.
//
// - update_known: a complete listing adds every allowed cluster with a watchable status
//   (not creating, deleting or return) and resets its misses; a known cluster absent from
//   the listing (or listed as not watchable) gains a miss and is dropped at the second
//   consecutive one; a known cluster now listed as disallowed is dropped at once. Failed
//   or partial listings never reach it: they change nothing.
// - plan: the known clusters that pass include (search in clusterName) and exclude, and
//   whose instance_no is not in clusters[] (static entries win), become cluster_configs
//   with discovery.defaults applied and discovered = true. Names are clusterName
//   sanitized to the label rules; a name already taken (by clusters[], or by a cluster
//   with a smaller instance_no) gets "-<instance_no>" appended. A cluster keeps its name
//   as long as its clusterName does not change and nothing static takes the name.
// - judge: every entry of one listing with its verdict, for `discover`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/pattern.hpp"
#include "discovery/known.hpp"
#include "discovery/listing.hpp"
#include "sesmon/config.hpp"

namespace sesmon::discovery {

// Why a listed cluster is not watched.
enum class skip_reason {
    disallowed,       // in disallowedClusters: the keys may not see it
    no_instance_no,   // no usable serviceGroupInstanceNo
    duplicate,        // the same instance_no listed again
    not_ready,        // clusterStatus creating, deleting or return
    configured,       // its instance_no is in clusters[]: the static entry wins
    not_included,     // clusterName does not match discovery.include
    excluded,         // clusterName matches discovery.exclude
    pattern_gave_up,  // include/exclude too complex to decide for this name
};

std::string_view to_string(skip_reason reason);
// One line for people: "matches discovery.exclude", "listed in clusters[] as prod-logs"...
std::string explain(skip_reason reason, const std::string& configured_name = {});

// include / exclude compiled once per configuration.
struct filter_rules {
    common::name_pattern include;
    common::name_pattern exclude;
    // Compiles the patterns; they were validated when the configuration loaded, so a
    // failure here is a programming error (std::invalid_argument).
    static filter_rules from(const discovery_config& d);
    // Why `cluster_name` is filtered out, or nullopt when it passes.
    std::optional<skip_reason> check(const std::string& cluster_name) const;
};

struct known_update {
    known_set known;
    std::vector<known_cluster> appeared;   // entered the known set
    std::vector<known_cluster> gone;       // left it: absent from two complete listings
    std::vector<known_cluster> revoked;    // left it: now listed as disallowed
    std::vector<listed_entry> disallowed;  // every disallowed entry of the listing
};

// Applies one COMPLETE listing to the known set.
known_update update_known(const known_set& previous, const listing& complete);

struct watch_plan {
    std::vector<cluster_config> watched;  // discovered clusters, by instance_no
    known_set known;                      // `known` with the names assigned
};

watch_plan plan(const known_set& known, const discovery_config& d, const filter_rules& rules,
                const std::vector<cluster_config>& configured);

struct verdict {
    listed_entry entry;
    std::optional<skip_reason> skip;  // nullopt: watched
    std::string name;                 // watched: its name; configured: the static name
};

// Every entry of `complete` in listing order, judged as a daemon starting fresh would.
std::vector<verdict> judge(const listing& complete, const discovery_config& d,
                           const filter_rules& rules,
                           const std::vector<cluster_config>& configured);

// A clusterName (or any API text) safe on one log or table line: control characters become
// '?', and more than 128 bytes are cut with "...". The API is not trusted to send clean text.
std::string printable(std::string_view text);

// clusterName made a valid label: characters outside [A-Za-z0-9._-] become '-' (runs of
// them one '-'), leading non-alphanumerics and trailing '-' go, at most 64 characters;
// "cluster-<instance_no>" when nothing is left.
std::string sanitize_name(std::string_view listed_name, std::string_view instance_no);

}  // namespace sesmon::discovery
