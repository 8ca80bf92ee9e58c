#include "silence/time_zone.hpp"

#include <array>
#include <utility>

namespace sesmon::silence {
namespace {

using namespace std::chrono_literals;

struct zone {
    std::string_view name;
    std::chrono::minutes offset;
};

// Zones with one offset all year, and none since at least 2000 (so an event of any year
// this daemon sees is placed right). Checked against tzdata by the tests.
constexpr std::array<zone, 20> fixed_zones{{
    {"UTC", 0min},
    {"Etc/UTC", 0min},
    {"GMT", 0min},
    {"Etc/GMT", 0min},
    {"Asia/Seoul", 9h},
    {"Asia/Tokyo", 9h},
    {"Asia/Shanghai", 8h},
    {"Asia/Hong_Kong", 8h},
    {"Asia/Taipei", 8h},
    {"Asia/Singapore", 8h},
    {"Asia/Kuala_Lumpur", 8h},
    {"Asia/Manila", 8h},
    {"Asia/Jakarta", 7h},
    {"Asia/Bangkok", 7h},
    {"Asia/Ho_Chi_Minh", 7h},
    {"Asia/Kolkata", 5h + 30min},
    {"Asia/Dubai", 4h},
    {"Australia/Brisbane", 10h},
    {"Pacific/Honolulu", -10h},
    {"America/Phoenix", -7h},
}};

// A few well-known zones with daylight saving time, named in the refusal so that the
// reason is clear (any other unknown name gets the general message).
constexpr std::array<std::string_view, 12> dst_zones{
    "Europe/London",    "Europe/Berlin",       "Europe/Paris",     "Europe/Amsterdam",
    "America/New_York", "America/Chicago",     "America/Denver",   "America/Los_Angeles",
    "Australia/Sydney", "Australia/Melbourne", "Pacific/Auckland", "Asia/Jerusalem"};

int digits(std::string_view text) {
    if (text.size() != 2 || text[0] < '0' || text[0] > '9' || text[1] < '0' || text[1] > '9')
        return -1;
    return (text[0] - '0') * 10 + (text[1] - '0');
}

// "+09:00", "-05:30", "Z".
std::optional<std::chrono::minutes> fixed_offset(std::string_view text) {
    if (text == "Z")
        return 0min;
    if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':')
        return std::nullopt;
    const int hours = digits(text.substr(1, 2));
    const int minutes = digits(text.substr(4, 2));
    if (hours < 0 || hours > 14 || minutes < 0 || minutes > 59)
        return std::nullopt;
    const std::chrono::minutes offset = std::chrono::hours(hours) + std::chrono::minutes(minutes);
    return text[0] == '-' ? -offset : offset;
}

}  // namespace

std::optional<std::chrono::minutes> zone_offset(std::string_view name, std::string* error) {
    for (const zone& z : fixed_zones) {
        if (z.name == name)
            return z.offset;
    }
    if (auto offset = fixed_offset(name))
        return offset;
    if (error != nullptr) {
        bool dst = false;
        for (std::string_view d : dst_zones)
            dst = dst || d == name;
        *error = dst ? "time zone \"" + std::string(name) +
                           "\" has daylight saving time, which maintenance windows do not "
                           "support yet: give its offset (e.g. \"+01:00\") and change it with "
                           "the season"
                     : "unknown time zone \"" + std::string(name) + "\" (expected one of " +
                           known_zones() + ", or an offset like \"+09:00\")";
    }
    return std::nullopt;
}

std::string known_zones() {
    std::string out;
    for (const zone& z : fixed_zones)
        out += (out.empty() ? "" : ", ") + std::string(z.name);
    return out;
}

}  // namespace sesmon::silence
