#include "notify/utf8_text.hpp"

#include <algorithm>

namespace sesmon::notify {
namespace {

// The length of the UTF-8 sequence that starts with `lead` (1 for invalid bytes).
std::size_t sequence_length(unsigned char lead) {
    if (lead < 0x80)
        return 1;
    if ((lead & 0xE0) == 0xC0)
        return 2;
    if ((lead & 0xF0) == 0xE0)
        return 3;
    if ((lead & 0xF8) == 0xF0)
        return 4;
    return 1;
}

std::size_t cost(std::size_t bytes, text_unit unit) {
    switch (unit) {
        case text_unit::bytes:
            return bytes;
        case text_unit::characters:
            return 1;
        case text_unit::sms_bytes:
            return bytes == 1 ? 1 : 2;
    }
    return bytes;
}

std::size_t measure(std::string_view text, text_unit unit) {
    std::size_t total = 0;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n =
            std::min(sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
        total += cost(n, unit);
        i += n;
    }
    return total;
}

}  // namespace

std::size_t utf8_length(std::string_view text) {
    return measure(text, text_unit::characters);
}

std::size_t sms_bytes(std::string_view text) {
    return measure(text, text_unit::sms_bytes);
}

std::string shorten(std::string_view text, std::size_t limit, std::string_view marker,
                    text_unit unit) {
    if (measure(text, unit) <= limit)
        return std::string(text);
    const std::size_t marker_cost = measure(marker, unit);
    if (marker_cost >= limit)
        marker = {};
    const std::size_t budget = limit - measure(marker, unit);
    std::size_t used = 0;
    std::size_t end = 0;
    while (end < text.size()) {
        const std::size_t n =
            std::min(sequence_length(static_cast<unsigned char>(text[end])), text.size() - end);
        if (used + cost(n, unit) > budget)
            break;
        used += cost(n, unit);
        end += n;
    }
    std::string out(text.substr(0, end));
    out.append(marker);
    return out;
}

}  // namespace sesmon::notify
