#include "sim/sim_time.hpp"

#include <cmath>

#include "common/time_format.hpp"

namespace sesmon::sim {

std::string format_kst(wall_time t) {
    // "2025-03-24T17:09:41+09:00" → "2025-03-24 17:09:41"
    std::string text = common::format_rfc3339(t, kst_offset).substr(0, 19);
    text[10] = ' ';
    return text;
}

std::optional<wall_time> parse_time_spec(std::string_view text, wall_time start) {
    if (text.empty())
        return std::nullopt;
    if (auto absolute = common::parse_api_date(text, kst_offset))
        return absolute;
    if (auto rfc = common::parse_rfc3339(text))
        return rfc;
    int sign = 1;
    if (text.front() == '+' || text.front() == '-') {
        sign = text.front() == '-' ? -1 : 1;
        text.remove_prefix(1);
    }
    auto offset = common::parse_duration(text);
    if (!offset)
        return std::nullopt;
    return start + std::chrono::duration_cast<std::chrono::seconds>(*offset) * sign;
}

virtual_clock::virtual_clock(wall_time start, double scale, const sesmon::clock& real)
    : start_(start), scale_(scale), real_(real), real_start_(real.steady_now()) {}

wall_time virtual_clock::now() const {
    auto real_elapsed = std::chrono::duration<double>(real_.steady_now() - real_start_);
    auto scaled =
        std::chrono::seconds(static_cast<long long>(std::floor(real_elapsed.count() * scale_)));
    return start_ + scaled + std::chrono::duration_cast<std::chrono::seconds>(advanced_);
}

void virtual_clock::advance(duration d) {
    advanced_ += d;
}

}  // namespace sesmon::sim
