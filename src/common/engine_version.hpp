#pragma once
// OpenSearch version numbers as the API and the cluster show them, and the rule of rolling
// upgrades between them (ncp-api.md: adjacent majors only; 3.x needs 2.19 or later). Pure.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace sesmon::common {

struct engine_version_number {
    int major = 0;
    int minor = 0;
    int patch = 0;
    auto operator<=>(const engine_version_number&) const = default;
    std::string text() const;  // "2.15.0"
};

// "2.15.0", "OpenSearch 2.15.0", "v2.15" (the first dotted number in the text), or a
// version code: 4 digits "2150" → 2.15.0 (major, two-digit minor, patch), 5 digits
// "21510" → 2.15.10, 3 digits "130" → 1.3.0. nullopt for anything else.
std::optional<engine_version_number> parse_engine_version(std::string_view text);

// Why a rolling upgrade from `from` to `to` is not possible, "" when the rule allows it:
// the target must be newer, in the same major or the next one, and a next major needs the
// last minor line of the one before (2.x from 1.3+, 3.x from 2.19+).
std::string rolling_upgrade_refusal(const engine_version_number& from,
                                    const engine_version_number& to);

}  // namespace sesmon::common
