#include "web/query_string.hpp"

#include <charconv>

namespace sesmon::web {

std::optional<std::string> percent_decode(std::string_view raw, bool plus_is_space) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+' && plus_is_space) {
            out += ' ';
            continue;
        }
        if (raw[i] != '%') {
            out += raw[i];
            continue;
        }
        unsigned value = 0;
        if (i + 2 >= raw.size())
            return std::nullopt;
        const auto [end, ec] = std::from_chars(raw.data() + i + 1, raw.data() + i + 3, value, 16);
        if (ec != std::errc{} || end != raw.data() + i + 3)
            return std::nullopt;
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

std::optional<query_params> parse_query(std::string_view target) {
    query_params out;
    const auto q = target.find('?');
    if (q == std::string_view::npos)
        return out;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!name || !value)
            return std::nullopt;
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

}  // namespace sesmon::web
