#pragma once
// Conversions between wall times and the text forms the project meets:
// the API's "yyyy-MM-dd HH:mm:ss" in a fixed zone, RFC 3339 for payloads, and
// Go-style durations ("500ms", "1h30m") for configuration and messages.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/time.hpp"

namespace sesmon::common {

// Parses "yyyy-MM-dd HH:mm:ss" as local time at `offset` from UTC. nullopt unless the text
// is exactly that shape and a valid calendar date/time.
std::optional<wall_time> parse_api_date(std::string_view text, std::chrono::seconds offset);

// "2025-03-24T17:09:41+09:00": the instant rendered at `offset`.
std::string format_rfc3339(wall_time t, std::chrono::seconds offset);
// "2026-11-26T20:01:02Z".
std::string format_rfc3339_utc(wall_time t);
// Parses RFC 3339 with "Z" or "+hh:mm"/"-hh:mm", whole seconds. nullopt otherwise.
std::optional<wall_time> parse_rfc3339(std::string_view text);

// Parses "+09:00" / "-05:30" / "Z". nullopt otherwise.
std::optional<std::chrono::seconds> parse_zone_offset(std::string_view text);

// The longest duration the project accepts anywhere (configuration, scenarios, Retry-After):
// 400 days. Longer ones would overflow steady_clock arithmetic (nanoseconds) when added to
// a time point far enough out, and no timeout or interval needs more.
inline constexpr duration max_duration = std::chrono::days(400);

// Parses "500ms", "30s", "5m", "2h", "1h30m", "400d", "1m30s500ms". Units (d, h, m, s, ms)
// must appear in decreasing order, each at most once; "0s" is allowed. nullopt otherwise,
// including anything longer than max_duration.
std::optional<duration> parse_duration(std::string_view text);

// "47m", "1h05m", "12s", "850ms": short, for humans.
std::string format_duration(duration d);

}  // namespace sesmon::common
