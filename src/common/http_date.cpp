#include "common/http_date.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "common/text.hpp"
#include "common/time_format.hpp"

namespace sesmon::common {
namespace {

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

// A short run of decimal digits (no sign, no spaces).
std::optional<int> number(std::string_view text) {
    int value = 0;
    if (!all_digits(text) || text.size() > 4) {
        return std::nullopt;
    }
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// Splits on spaces, dropping empty pieces (asctime pads the day with a space).
std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const auto space = text.find(' ');
        const auto word = text.substr(0, space);
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

std::optional<wall_time> make_time(std::optional<int> year, std::optional<int> month,
                                   std::optional<int> day, std::string_view hms) {
    if (!year || !month || !day || hms.size() != 8 || hms[2] != ':' || hms[5] != ':') {
        return std::nullopt;
    }
    const auto h = number(hms.substr(0, 2));
    const auto m = number(hms.substr(3, 2));
    const auto s = number(hms.substr(6, 2));
    // 60: a leap second, as RFC 9110's grammar allows.
    if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(*year),
                                           std::chrono::month(static_cast<unsigned>(*month)),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    return std::chrono::sys_days(date) + std::chrono::hours(*h) + std::chrono::minutes(*m) +
           std::chrono::seconds(*s);
}

}  // namespace

std::optional<wall_time> parse_http_date(std::string_view text) {
    const auto w = words(trim(text));
    if (w.size() == 6 && w[0].size() == 4 && w[0][3] == ',' && w[5] == "GMT" && w[1].size() == 2 &&
        w[3].size() == 4) {
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        return make_time(number(w[3]), month_number(w[2]), number(w[1]), w[4]);
    }
    if (w.size() == 4 && w[0].size() > 1 && w[0].back() == ',' && w[3] == "GMT" &&
        w[1].size() == 9 && w[1][2] == '-' && w[1][6] == '-') {
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
        auto year = number(w[1].substr(7, 2));
        if (year) {
            *year += *year < 70 ? 2000 : 1900;
        }
        return make_time(year, month_number(w[1].substr(3, 3)), number(w[1].substr(0, 2)), w[2]);
    }
    if (w.size() == 5 && w[0].size() == 3 && w[2].size() <= 2 && w[4].size() == 4) {
        // asctime: "Sun Nov  6 08:49:37 1994"
        return make_time(number(w[4]), month_number(w[1]), number(w[2]), w[3]);
    }
    return std::nullopt;
}

std::optional<duration> parse_retry_after(std::string_view value, wall_time now) {
    value = trim(value);
    if (all_digits(value)) {
        // Compare digit counts first: a value of any length caps instead of overflowing.
        const auto significant = value.substr(std::min(value.find_first_not_of('0'), value.size()));
        const long long cap =
            std::chrono::duration_cast<std::chrono::seconds>(max_duration).count();
        long long seconds = significant.size() > 12 ? cap : 0;  // "000" is zero
        std::from_chars(significant.data(), significant.data() + significant.size(), seconds);
        return std::chrono::seconds(std::min(seconds, cap));
    }
    const auto when = parse_http_date(value);
    if (!when) {
        return std::nullopt;
    }
    if (*when <= now) {
        return duration::zero();
    }
    return std::min<duration>(std::chrono::duration_cast<duration>(*when - now), max_duration);
}

}  // namespace sesmon::common
