#pragma once
// "Did you mean ...?" for a misspelt key or word: the known name closest to what was written,
// when it is at most two edits away (an edit: insert, delete or replace one character, or
// swap two adjacent ones).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sesmon::config_file {

// Edits between `a` and `b` (optimal string alignment distance).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The name in `known` fewest edits from `given`, when that is one or two edits and fewer than
// `given` has characters (so "ab" suggests nothing for "xy"); the first such name on a tie.
std::optional<std::string_view> closest_name(std::string_view given,
                                             const std::vector<std::string_view>& known);

// " (did you mean \"interval\"?)" for closest_name, or "" when there is none.
std::string did_you_mean(std::string_view given, const std::vector<std::string_view>& known);

}  // namespace sesmon::config_file
