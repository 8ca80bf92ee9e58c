#pragma once
// Loading the configuration file of SPEC §3 into sesmon::config (include/sesmon/config.hpp).
//
// The result has every default applied and per-cluster overrides merged: each cluster's
// polling, stall, region and notify are the effective values. Secret files are read (and
// their permissions checked) while loading; relative paths in the file resolve against the
// file's directory. Any problem throws config::error listing every problem found, one line
// each, as "file:line:col: key.path: message". Nothing here logs, and no message or summary
// ever contains a secret value.
#include <string>
#include <string_view>

#include "config/environment.hpp"
#include "config/error.hpp"
#include "sesmon/config.hpp"

namespace sesmon::config_file {

// Reads and parses the file at `path` (named in messages as given). An unreadable file is a
// config::error without position ("path: cannot read: No such file or directory").
sesmon::config load(const std::string& path, const environment& env = process_environment());

// Parses YAML text. `display_name` names the file in messages, and its directory is the base
// for relative paths (the current directory when it has none).
sesmon::config parse(std::string_view yaml_text, const std::string& display_name,
                     const environment& env);

}  // namespace sesmon::config_file
