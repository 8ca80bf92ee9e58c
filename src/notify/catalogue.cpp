#include "notify/catalogue.hpp"

namespace sesmon::notify {

const catalogue& catalogue_for(message_language language) {
    switch (language) {
        case message_language::ko:
            return korean_catalogue();
        case message_language::ja:
            return japanese_catalogue();
        case message_language::en:
            break;
    }
    return english_catalogue();
}

std::string fill(std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> slots) {
    std::string out;
    out.reserve(text.size() + 64);
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t open = text.find('{', i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, open - i));
        const std::size_t close = text.find('}', open);
        if (close == std::string_view::npos) {
            out.append(text.substr(open));
            break;
        }
        const std::string_view name = text.substr(open + 1, close - open - 1);
        bool found = false;
        for (const auto& [slot, value] : slots) {
            if (slot == name) {
                out.append(value);
                found = true;
                break;
            }
        }
        if (!found)
            out.append(text.substr(open, close - open + 1));
        i = close + 1;
    }
    return out;
}

local_fields local_time(wall_time t, const message_time_zone& zone) {
    const auto local = t + zone.offset;
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(local - day);
    return {static_cast<int>(ymd.year()),
            static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day())),
            static_cast<int>(hms.hours().count()),
            static_cast<int>(hms.minutes().count()),
            static_cast<int>(hms.seconds().count())};
}

}  // namespace sesmon::notify
