#pragma once
// preflight_checks: the go / no-go decision of `ses-upgrade-monitor preflight` (SPEC §2) from
// what was asked — the API (cluster info, versions, pre-check) and, when configured, the
// cluster's own OpenSearch view (health, latest snapshot). Pure: no I/O, `now` given.
//
// Verdict: "undecided" (exit 2) when the API could not be asked; else "no-go" (exit 1) when
// any check says no, with every reason; else "go" (exit 0). A check that could not be made
// (the view unreachable) is "unknown": it is shown, and it says no to nothing.
#include <optional>
#include <string>
#include <vector>

#include "opensearch/parsers.hpp"
#include "sesmon/cluster_details.hpp"
#include "sesmon/config.hpp"
#include "sesmon/opensearch.hpp"

namespace sesmon::cli {

// A rolling upgrade needs a snapshot at most this old (ncp-api.md).
inline constexpr auto max_snapshot_age = std::chrono::hours(6);

struct preflight_facts {
    cluster_config cluster;
    std::optional<std::string> requested_target;  // --to, as typed (code or version)
    // The API. An api_error's message where a call failed.
    std::optional<cluster_details> info;
    std::string info_error;
    std::optional<std::vector<engine_version>> versions;
    std::string versions_error;
    std::optional<precheck_verdict> precheck;  // asked for the chosen target
    std::string precheck_error;
    // The OpenSearch view, when configured (cluster.opensearch).
    std::optional<cluster_reading> reading;
    std::string reading_error;
    std::optional<std::vector<opensearch::snapshot_entry>> snapshots;
    std::string snapshots_error;
    wall_time now{};
};

// The target an upgrade would go to: the requested one when it is offered, else (none
// requested) the newest offered version that a rolling upgrade can reach from `current`.
struct target_choice {
    std::optional<engine_version> version;
    std::string how;      // "requested", "the newest version a rolling upgrade reaches"
    std::string problem;  // why there is none ("" when found)
};
target_choice choose_target(const std::string& current_code,
                            const std::vector<engine_version>& offered,
                            const std::optional<std::string>& requested);

struct preflight_check {
    std::string name;    // "cluster status", "adjacent majors", "API pre-check", ...
    std::string result;  // "ok" | "no" | "unknown" | "skipped"
    std::string detail;
    friend bool operator==(const preflight_check&, const preflight_check&) = default;
};

struct preflight_report {
    cluster_ref cluster;
    std::string current_code;
    std::string current_name;  // "2.14.0", "" when the code does not parse
    std::string cluster_status;
    std::vector<engine_version> versions;
    target_choice target;
    std::vector<preflight_check> checks;
    std::string verdict;               // "go" | "no-go" | "undecided"
    std::vector<std::string> reasons;  // every "no" (no-go), or what could not be asked
    int exit_code() const { return verdict == "go" ? 0 : verdict == "no-go" ? 1 : 2; }
};

preflight_report judge(const preflight_facts& facts, const target_choice& target);

}  // namespace sesmon::cli
