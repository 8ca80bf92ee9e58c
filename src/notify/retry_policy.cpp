#include "notify/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <string>
#include <vector>

namespace sesmon::notify {

delivery_outcome::kind classify_http_status(int status) {
    using kind = delivery_outcome::kind;
    if (status >= 200 && status <= 299) {
        return kind::delivered;
    }
    if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
        return kind::retry;
    }
    if (status >= 300 && status <= 499) {
        return kind::rejected;
    }
    return kind::retry;
}

delivery_outcome::kind classify_http_error(http_error_kind kind) {
    switch (kind) {
        case http_error_kind::invalid_url:
            return delivery_outcome::kind::rejected;
        case http_error_kind::dns:
        case http_error_kind::connect:
        case http_error_kind::tls:
        case http_error_kind::timeout:
        case http_error_kind::reset:
        case http_error_kind::body_too_large:
        case http_error_kind::protocol:
            return delivery_outcome::kind::retry;
    }
    return delivery_outcome::kind::retry;
}

delivery_outcome classify_http_result(const http_result& result, wall_time now) {
    delivery_outcome outcome;
    if (!result) {
        const http_error& error = result.error();
        outcome.result = classify_http_error(error.kind);
        outcome.detail = std::string(to_string(error.kind)) + ": " + error.message;
        return outcome;
    }
    const http_response& response = *result;
    outcome.http_status = response.status;
    outcome.result = classify_http_status(response.status);
    outcome.detail = "HTTP " + std::to_string(response.status);
    if (outcome.result == delivery_outcome::kind::retry) {
        if (auto value = response.header("Retry-After")) {
            outcome.retry_after = parse_retry_after(*value, now);
        }
    }
    return outcome;
}

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<int> month_number(std::string_view name) {
    static constexpr std::array<std::string_view, 12> names = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) {
            return static_cast<int>(i) + 1;
        }
    }
    return std::nullopt;
}

std::optional<int> number(std::string_view text) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

// Splits on spaces, dropping empty pieces.
std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        auto space = text.find(' ');
        auto word = text.substr(0, space);
        if (!word.empty()) {
            out.push_back(word);
        }
        if (space == std::string_view::npos) {
            break;
        }
        text.remove_prefix(space + 1);
    }
    return out;
}

std::optional<wall_time> make_time(int year, int month, int day, std::string_view hms) {
    if (hms.size() != 8 || hms[2] != ':' || hms[5] != ':') {
        return std::nullopt;
    }
    auto h = number(hms.substr(0, 2));
    auto m = number(hms.substr(3, 2));
    auto s = number(hms.substr(6, 2));
    if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) {
        return std::nullopt;
    }
    std::chrono::year_month_day date{std::chrono::year(year),
                                     std::chrono::month(static_cast<unsigned>(month)),
                                     std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    return std::chrono::sys_days(date) + std::chrono::hours(*h) + std::chrono::minutes(*m) +
           std::chrono::seconds(*s);
}

// The three date forms of RFC 9110 §5.6.7.
std::optional<wall_time> parse_http_date(std::string_view text) {
    auto w = words(text);
    if (w.size() == 6 && w[0].size() == 4 && w[0][3] == ',' && w[5] == "GMT") {
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        auto day = number(w[1]);
        auto month = month_number(w[2]);
        auto year = number(w[3]);
        if (day && month && year) {
            return make_time(*year, *month, *day, w[4]);
        }
        return std::nullopt;
    }
    if (w.size() == 4 && !w[0].empty() && w[0].back() == ',' && w[3] == "GMT" && w[1].size() == 9) {
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
        auto day = number(w[1].substr(0, 2));
        auto month = month_number(w[1].substr(3, 3));
        auto year = number(w[1].substr(7, 2));
        if (day && month && year && w[1][2] == '-' && w[1][6] == '-') {
            // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
            return make_time(*year < 70 ? 2000 + *year : 1900 + *year, *month, *day, w[2]);
        }
        return std::nullopt;
    }
    if (w.size() == 5) {
        // asctime: "Sun Nov  6 08:49:37 1994"
        auto month = month_number(w[1]);
        auto day = number(w[2]);
        auto year = number(w[4]);
        if (day && month && year) {
            return make_time(*year, *month, *day, w[3]);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<duration> parse_retry_after(std::string_view value, wall_time now) {
    value = trim(value);
    if (value.empty()) {
        return std::nullopt;
    }
    if (std::all_of(value.begin(), value.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        long long seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        // Absurd values (overflow) are capped at a year: the event expires long before.
        if (ec != std::errc{} || end != value.data() + value.size() || seconds > 366LL * 86400) {
            seconds = 366LL * 86400;
        }
        return std::chrono::seconds(seconds);
    }
    auto date = parse_http_date(value);
    if (!date) {
        return std::nullopt;
    }
    if (*date <= now) {
        return duration::zero();
    }
    return std::chrono::duration_cast<duration>(*date - now);
}

duration backoff_delay(const retry_config& retry, int failures, double random01,
                       std::optional<duration> retry_after) {
    const duration initial = std::max(retry.initial_backoff, duration(1));
    const duration cap_limit = std::max(retry.max_backoff, initial);
    duration ceiling = initial;
    for (int i = 1; i < failures && ceiling < cap_limit; ++i) {
        ceiling = ceiling * 2;
    }
    ceiling = std::min(ceiling, cap_limit);
    random01 = std::clamp(random01, 0.0, 1.0);
    auto jittered =
        duration(static_cast<duration::rep>(static_cast<double>(ceiling.count()) * random01));
    if (retry_after && *retry_after > jittered) {
        return *retry_after;
    }
    return jittered;
}

bool expired(const retry_config& retry, wall_time occurred_at, wall_time now) {
    return now - occurred_at > retry.max_age;
}

}  // namespace sesmon::notify
