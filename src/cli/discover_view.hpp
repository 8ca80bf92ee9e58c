#pragma once
// What `ses-upgrade-monitor discover` prints: every listed cluster with its verdict, as a
// table for people or as JSON for scripts (docs/operations.md, "Discovery").
#include <string>
#include <vector>

#include "discovery/merge.hpp"

namespace sesmon::cli {

// Columns REGION, INSTANCE, CLUSTER NAME, STATUS, VERDICT ("watch as NAME" or
// "skip: <why>"), then one summary line.
std::string discover_table(const std::vector<discovery::verdict>& verdicts);

// {"regions":[...],"watched":N,"skipped":M,"clusters":[{"region","instance_no",
// "cluster_name","cluster_status","watched","name","reason","detail"}]}; name is null for
// a skipped cluster (except `configured`: the clusters[] name), reason and detail are null
// for a watched one.
std::string discover_json(const std::vector<std::string>& regions,
                          const std::vector<discovery::verdict>& verdicts);

}  // namespace sesmon::cli
