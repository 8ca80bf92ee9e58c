#include "config/suggest.hpp"

#include <algorithm>
#include <string>

namespace sesmon::config_file {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rows of the dynamic programme: two back for the transposition case.
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        previous[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t replace = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + replace});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                current[j] = std::min(current[j], before[j - 2] + 1);
            }
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::optional<std::string_view> closest_name(std::string_view given,
                                             const std::vector<std::string_view>& known) {
    constexpr std::size_t max_edits = 2;
    std::optional<std::string_view> best;
    std::size_t best_distance = max_edits + 1;
    for (const std::string_view name : known) {
        const std::size_t d = edit_distance(given, name);
        if (d < best_distance && d < given.size()) {
            best = name;
            best_distance = d;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view given, const std::vector<std::string_view>& known) {
    const auto name = closest_name(given, known);
    return name ? " (did you mean \"" + std::string(*name) + "\"?)" : std::string();
}

}  // namespace sesmon::config_file
