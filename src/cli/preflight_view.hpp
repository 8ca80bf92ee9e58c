#pragma once
// preflight_view: `ses-upgrade-monitor preflight`'s report as a table for people or as JSON
// (docs/operations.md, "Before an upgrade"). Pure.
#include <string>

#include "cli/preflight_checks.hpp"

namespace sesmon::cli {

std::string preflight_table(const preflight_report& r);
// {"cluster": {name, instance_no, region}, "current": {code, version, status},
//  "versions": [{code, name}], "target": {code, name, chosen} | null,
//  "checks": [{name, result, detail}], "verdict": "go"|"no-go"|"undecided", "reasons": [...]}
std::string preflight_json(const preflight_report& r);

}  // namespace sesmon::cli
