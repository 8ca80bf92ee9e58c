#include "silence/maintenance.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sesmon::silence {
namespace {

constexpr std::array<std::string_view, 7> short_days{"mon", "tue", "wed", "thu",
                                                     "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> long_days{"monday", "tuesday",  "wednesday", "thursday",
                                                    "friday", "saturday", "sunday"};
constexpr int minutes_per_day = 24 * 60;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// 0 = Monday; -1 when not a day name.
int day_index(std::string_view word) {
    const std::string w = lower(word);
    for (std::size_t i = 0; i < short_days.size(); ++i) {
        if (w == short_days[i] || w == long_days[i])
            return static_cast<int>(i);
    }
    return -1;
}

// "HH:MM" → minutes of the day (24:00 → 1440); -1 when malformed.
int time_of_day(std::string_view text) {
    if (text.size() != 5 || text[2] != ':')
        return -1;
    for (std::size_t i : {0u, 1u, 3u, 4u}) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
        return -1;
    return hours * 60 + minutes;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

// "[Day ]HH:MM" → (day or -1, minute of day or -1).
std::pair<int, int> day_and_time(std::string_view text) {
    text = trim(text);
    const auto space = text.find(' ');
    if (space == std::string_view::npos)
        return {-1, time_of_day(text)};
    return {day_index(text.substr(0, space)), time_of_day(trim(text.substr(space + 1)))};
}

bool fail(std::string* error, std::string_view text, std::string_view why) {
    if (error != nullptr) {
        *error = "invalid weekly window \"" + std::string(text) + "\": " + std::string(why) +
                 " (expected e.g. \"Tue 02:00-05:00\", \"Sun 23:00-01:00\" or "
                 "\"Fri 22:00-Mon 06:00\")";
    }
    return false;
}

// Minutes since Monday 00:00 of `t` in a zone `offset` from UTC.
int minute_of_week(wall_time t, std::chrono::minutes offset) {
    const auto local = std::chrono::floor<std::chrono::minutes>(t) + offset;
    const auto days = std::chrono::floor<std::chrono::days>(local);
    const int weekday = static_cast<int>(std::chrono::weekday(days).iso_encoding()) - 1;  // Mon 0
    const auto minute = std::chrono::duration_cast<std::chrono::minutes>(local - days).count();
    return weekday * minutes_per_day + static_cast<int>(minute);
}

}  // namespace

std::optional<weekly_span> parse_weekly(std::string_view text, std::string* error) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
        fail(error, text, "no '-' between start and end");
        return std::nullopt;
    }
    const auto [start_day, start_time] = day_and_time(text.substr(0, dash));
    auto [end_day, end_time] = day_and_time(text.substr(dash + 1));
    if (start_day < 0) {
        fail(error, text, "the start needs a day (Mon..Sun) and a time");
        return std::nullopt;
    }
    if (start_time < 0 || end_time < 0 || start_time == minutes_per_day) {
        fail(error, text, "times are HH:MM from 00:00 to 24:00 (24:00 only as an end)");
        return std::nullopt;
    }
    if (trim(text.substr(dash + 1)).find(' ') != std::string_view::npos && end_day < 0) {
        fail(error, text, "unknown end day");
        return std::nullopt;
    }
    weekly_span span;
    span.source = std::string(trim(text));
    span.start = start_day * minutes_per_day + start_time;
    if (end_day < 0) {
        // Same day; an end not after the start is on the next day.
        span.end = start_day * minutes_per_day + end_time;
        if (end_time <= start_time)
            span.end += minutes_per_day;
    } else {
        span.end = end_day * minutes_per_day + end_time;
        while (span.end <= span.start)
            span.end += minutes_per_week;
    }
    if (span.end == span.start || span.end - span.start > minutes_per_week) {
        fail(error, text, "a window is longer than zero and at most a week");
        return std::nullopt;
    }
    return span;
}

bool applies_to(const maintenance_window& window, std::string_view name, const label_set& labels) {
    if (!window.clusters.empty())
        return std::find(window.clusters.begin(), window.clusters.end(), name) !=
               window.clusters.end();
    return labels.contains_all(window.labels);
}

bool inside(const maintenance_window& window, wall_time t) {
    const int m = minute_of_week(t, window.utc_offset);
    return std::any_of(window.weekly.begin(), window.weekly.end(), [m](const weekly_span& s) {
        // A span past the week's end continues at the start of the next week.
        return (m >= s.start && m < s.end) ||
               (m + minutes_per_week >= s.start && m + minutes_per_week < s.end);
    });
}

std::optional<bool> in_window(const std::vector<maintenance_window>& all, std::string_view name,
                              const label_set& labels, wall_time t) {
    std::optional<bool> verdict;
    for (const maintenance_window& w : all) {
        if (!applies_to(w, name, labels))
            continue;
        if (inside(w, t))
            return true;
        verdict = false;
    }
    return verdict;
}

}  // namespace sesmon::silence
