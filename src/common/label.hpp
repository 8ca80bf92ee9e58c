#pragma once
// Labels: the names of clusters and notifiers, used in logs, metric labels, URLs and file
// names, so they are restricted to a small safe alphabet.
#include <string_view>

namespace sesmon::common {

inline constexpr std::size_t max_label_length = 64;
inline constexpr std::string_view label_rule =
    "must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or "
    "digit";

// Whether `name` follows label_rule.
bool valid_label(std::string_view name);

}  // namespace sesmon::common
