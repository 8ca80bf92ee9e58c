#pragma once
// ASCII text helpers for protocol words (HTTP header names, auth schemes, URL schemes and
// hosts, node statuses). Locale-independent: only A-Z/a-z fold, every other byte compares
// as itself. Pure, thread-safe. The one copy in the project: use these instead of
// hand-written tolower loops.
#include <string>
#include <string_view>

namespace sesmon::common {

// Equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// ASCII lower case of `text`.
std::string to_lower(std::string_view text);

// `text` without leading and trailing whitespace (space, tab, CR, LF, VT, FF).
std::string_view trim(std::string_view text);

// `text` is one or more ASCII decimal digits (no sign, no space).
bool all_digits(std::string_view text);

}  // namespace sesmon::common
