#pragma once
// What `check-config` checks beyond validity (SPEC §2): a configuration can load and still
// not work on this host, or still carry the example's placeholders.
//   errors:   a `command` notifier whose program does not exist or is not executable here
//   warnings: a webhook URL or the API endpoint on an example/placeholder host (RFC 2606:
//             example.com/.net/.org and their subdomains, *.example, *.invalid, *.test)
// These are not load errors: the daemon loads such a file (the program may be installed
// later, and a reload must not depend on it). Positions come from the file's text, as for
// load errors; messages name hosts and paths, never a secret (webhook URLs by host only).
#include <string>
#include <string_view>
#include <vector>

#include "config/error.hpp"
#include "sesmon/config.hpp"

namespace sesmon::config_file {

struct readiness {
    std::vector<issue> errors;
    std::vector<issue> warnings;  // message starts with "warning: "
};

// `cfg` is what load() returned for `yaml_text`.
readiness check_readiness(const sesmon::config& cfg, std::string_view yaml_text);
// The same, reading the text from cfg.source_path (positions are missing if it is gone).
readiness check_readiness(const sesmon::config& cfg);

// True for RFC 2606 example and reserved hosts (case-insensitive).
bool is_placeholder_host(std::string_view host);

}  // namespace sesmon::config_file
