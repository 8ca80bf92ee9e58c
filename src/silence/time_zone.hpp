#pragma once
// time_zone: the zones a maintenance window may name (SPEC §14). GCC 12's libstdc++ has no
// std::chrono::locate_zone, so instead of reading tzdata this accepts a documented set of
// zones without daylight saving time — the ones the users need (Asia/Seoul, Asia/Tokyo,
// UTC) and their neighbours — and fixed offsets ("+09:00", "-05:30", "Z"). A zone with
// daylight saving time is refused with a message saying so, never misread. The table is
// checked against the system's tzdata by tests/silence/time_zone_test.cpp. Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sesmon::silence {

// The zone's offset from UTC; nullopt with the reason in `error` (one line, naming the
// text) for a zone this version cannot use.
std::optional<std::chrono::minutes> zone_offset(std::string_view name,
                                                std::string* error = nullptr);

// The names of the table, ", "-separated (for messages and docs).
std::string known_zones();

}  // namespace sesmon::silence
