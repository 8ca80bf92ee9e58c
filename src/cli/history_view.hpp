#pragma once
// history_view: how `ses-upgrade-monitor history` shows the upgrade history (SPEC §2) to
// people: one row per upgrade, newest first. (Scripts get web::history_json, the document
// of GET /api/v1/history.) Pure.
#include <string>
#include <vector>

#include "state/history_reads.hpp"
#include "web/history_json.hpp"

namespace sesmon::cli {

// ID CLUSTER VERSIONS STARTED DURATION OUTCOME NODES EXPECTED FINISH; `none` when empty.
std::string history_table(const std::vector<state::upgrade_summary>& upgrades, wall_time now,
                          const web::eta_lookup& eta, const std::string& none);

}  // namespace sesmon::cli
