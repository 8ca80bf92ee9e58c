#include "common/time_format.hpp"

#include <array>
#include <cstdio>

namespace sesmon::common {
namespace {

using namespace std::chrono;

// Reads exactly `width` decimal digits at `pos`; advances pos.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t width) {
    if (pos + width > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

// "yyyy-MM-dd" + sep + "HH:mm:ss" as a naive (zone-less) time, counted as if UTC.
std::optional<wall_time> parse_naive(std::string_view text, std::size_t& pos, char sep) {
    const auto y = read_digits(text, pos, 4);
    if (!y || !expect(text, pos, '-'))
        return std::nullopt;
    const auto mo = read_digits(text, pos, 2);
    if (!mo || !expect(text, pos, '-'))
        return std::nullopt;
    const auto d = read_digits(text, pos, 2);
    if (!d || !expect(text, pos, sep))
        return std::nullopt;
    const auto h = read_digits(text, pos, 2);
    if (!h || !expect(text, pos, ':'))
        return std::nullopt;
    const auto mi = read_digits(text, pos, 2);
    if (!mi || !expect(text, pos, ':'))
        return std::nullopt;
    const auto s = read_digits(text, pos, 2);
    if (!s)
        return std::nullopt;
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                             day{static_cast<unsigned>(*d)}};
    if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 59) {
        return std::nullopt;
    }
    return sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*s};
}

std::string format_offset(seconds offset) {
    const char sign = offset < seconds::zero() ? '-' : '+';
    const auto abs_minutes = duration_cast<minutes>(offset < seconds::zero() ? -offset : offset);
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "%c%02d:%02d", sign,
                  static_cast<int>(abs_minutes.count() / 60),
                  static_cast<int>(abs_minutes.count() % 60));
    return buf.data();
}

std::string format_local(wall_time local, const std::string& suffix) {
    const auto day_point = floor<days>(local);
    const year_month_day ymd{day_point};
    const hh_mm_ss hms{local - day_point};
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf.data() + suffix;
}

}  // namespace

std::optional<wall_time> parse_api_date(std::string_view text, seconds offset) {
    std::size_t pos = 0;
    const auto naive = parse_naive(text, pos, ' ');
    if (!naive || pos != text.size()) {
        return std::nullopt;
    }
    return *naive - offset;
}

std::string format_rfc3339(wall_time t, seconds offset) {
    return format_local(t + offset, format_offset(offset));
}

std::string format_rfc3339_utc(wall_time t) {
    return format_local(t, "Z");
}

std::optional<seconds> parse_zone_offset(std::string_view text) {
    if (text == "Z") {
        return seconds::zero();
    }
    if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
        return std::nullopt;
    }
    std::size_t pos = 1;
    const auto h = read_digits(text, pos, 2);
    ++pos;
    const auto m = read_digits(text, pos, 2);
    if (!h || !m || *h > 23 || *m > 59) {
        return std::nullopt;
    }
    const seconds magnitude = hours{*h} + minutes{*m};
    return text[0] == '-' ? -magnitude : magnitude;
}

std::optional<wall_time> parse_rfc3339(std::string_view text) {
    std::size_t pos = 0;
    const auto naive = parse_naive(text, pos, 'T');
    if (!naive) {
        return std::nullopt;
    }
    const auto offset = parse_zone_offset(text.substr(pos));
    if (!offset) {
        return std::nullopt;
    }
    return *naive - *offset;
}

std::optional<duration> parse_duration(std::string_view text) {
    struct unit {
        char letter;
        long long millis;
    };
    // In the order they must appear; "ms" is told apart from "m" by its second letter.
    static constexpr std::array<unit, 5> units{
        {{'d', 86'400'000}, {'h', 3'600'000}, {'m', 60'000}, {'s', 1'000}, {'\0', 1}}};
    constexpr std::size_t ms_unit = 4;
    if (text.empty()) {
        return std::nullopt;
    }
    const long long limit = max_duration.count();
    long long total = 0;
    std::size_t next_unit = 0;  // units must come in decreasing order
    std::size_t pos = 0;
    while (pos < text.size()) {
        long long number = 0;
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            number = number * 10 + (text[pos] - '0');
            if (number > limit) {
                return std::nullopt;  // too long whatever the unit (and no overflow)
            }
            ++pos;
        }
        if (pos == start || pos == text.size()) {
            return std::nullopt;
        }
        std::size_t matched = units.size();
        std::size_t length = 1;
        if (text.substr(pos, 2) == "ms") {
            matched = ms_unit;
            length = 2;
        } else {
            for (std::size_t i = 0; i < ms_unit; ++i) {
                if (text[pos] == units[i].letter) {
                    matched = i;
                }
            }
        }
        if (matched == units.size() || matched < next_unit) {
            return std::nullopt;
        }
        pos += length;
        next_unit = matched + 1;
        if (number > (limit - total) / units[matched].millis) {
            return std::nullopt;
        }
        total += number * units[matched].millis;
    }
    return duration{total};
}

std::string format_duration(duration d) {
    const long long ms = d.count() < 0 ? -d.count() : d.count();
    const char* sign = d.count() < 0 ? "-" : "";
    std::array<char, 48> buf{};
    if (ms < 1000) {
        std::snprintf(buf.data(), buf.size(), "%s%lldms", sign, ms);
    } else if (ms < 60'000) {
        std::snprintf(buf.data(), buf.size(), "%s%llds", sign, ms / 1000);
    } else if (ms < 3'600'000) {
        const long long s = ms / 1000;
        if (s % 60 == 0) {
            std::snprintf(buf.data(), buf.size(), "%s%lldm", sign, s / 60);
        } else {
            std::snprintf(buf.data(), buf.size(), "%s%lldm%02llds", sign, s / 60, s % 60);
        }
    } else {
        const long long m = ms / 60'000;
        std::snprintf(buf.data(), buf.size(), "%s%lldh%02lldm", sign, m / 60, m % 60);
    }
    return buf.data();
}

}  // namespace sesmon::common
