#pragma once
// The environment a `command` notifier's program runs with (docs/webhooks.md). Not the
// daemon's: that holds NCLOUD_SECRET_KEY, CREDENTIALS_DIRECTORY and whatever else the unit
// or the shell gave it. The program gets an allowlist of the daemon's variables plus the
// event's, so a hook script can neither leak nor depend on the daemon's secrets.
#include <string>
#include <vector>

#include "sesmon/event.hpp"

namespace sesmon::notify {

// Whether the daemon's variable `name` is passed on: PATH, LANG, LC_* (LC_ALL, LC_CTYPE, ...),
// TZ, HOME and every SES_* variable (the operator's own settings for hooks).
bool passed_to_commands(std::string_view name);

// The environment for `e`: the allowed entries of `inherited` ("KEY=value", as in environ),
// then SES_EVENT_TYPE, SES_EVENT_ID and SES_CLUSTER (replacing inherited ones of that
// name). PATH is /usr/local/bin:/usr/bin:/bin when `inherited` has none.
std::vector<std::string> command_environment(const std::vector<std::string>& inherited,
                                             const sesmon::event& e);

// This process's environment, as "KEY=value" entries.
std::vector<std::string> process_environment();

}  // namespace sesmon::notify
