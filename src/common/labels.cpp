#include "sesmon/labels.hpp"

#include <algorithm>

namespace sesmon {

namespace {

// The code point starting at text[i], and its length in bytes; nullopt for a byte sequence
// that is not UTF-8 (overlong forms and surrogates included).
std::optional<std::pair<char32_t, std::size_t>> next_code_point(std::string_view text,
                                                                std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80)
        return std::pair<char32_t, std::size_t>{lead, 1};
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, cp = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, cp = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, cp = lead & 0x07, minimum = 0x10000;
    } else {
        return std::nullopt;
    }
    if (i + length > text.size())
        return std::nullopt;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return std::nullopt;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return std::nullopt;
    return std::pair<char32_t, std::size_t>{cp, length};
}

bool control(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

}  // namespace

bool valid_label_key(std::string_view key) {
    if (key.empty() || key.size() > max_label_key_length || key[0] < 'a' || key[0] > 'z')
        return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

bool valid_label_value(std::string_view value) {
    std::size_t characters = 0;
    for (std::size_t i = 0; i < value.size();) {
        const auto cp = next_code_point(value, i);
        if (!cp || control(cp->first) || ++characters > max_label_value_length)
            return false;
        i += cp->second;
    }
    return true;
}

label_set::label_set(std::initializer_list<entry> entries) {
    for (const auto& [key, value] : entries)
        set(key, value);
}

void label_set::set(std::string key, std::string value) {
    const auto it =
        std::lower_bound(entries_.begin(), entries_.end(), key,
                         [](const entry& e, const std::string& k) { return e.first < k; });
    if (it != entries_.end() && it->first == key) {
        it->second = std::move(value);
        return;
    }
    entries_.insert(it, {std::move(key), std::move(value)});
}

const std::string* label_set::find(std::string_view key) const {
    const auto it =
        std::lower_bound(entries_.begin(), entries_.end(), key,
                         [](const entry& e, std::string_view k) { return e.first < k; });
    return it != entries_.end() && it->first == key ? &it->second : nullptr;
}

bool label_set::contains_all(const label_set& required) const {
    return std::all_of(required.begin(), required.end(), [&](const entry& e) {
        const std::string* value = find(e.first);
        return value != nullptr && *value == e.second;
    });
}

label_set label_set::merged_with(const label_set& overrides) const {
    label_set out = *this;
    for (const auto& [key, value] : overrides)
        out.set(key, value);
    return out;
}

std::string label_set::to_text() const {
    std::string out;
    for (const auto& [key, value] : entries_)
        out += (out.empty() ? "" : ",") + key + "=" + value;
    return out;
}

std::optional<label_selector> parse_label_selector(std::string_view text, std::string* error) {
    const auto fail = [&](std::string why) -> std::optional<label_selector> {
        if (error)
            *error = std::move(why);
        return std::nullopt;
    };
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return fail("label selector \"" + std::string(text) + "\": expected key:value");
    label_selector s{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
    if (!valid_label_key(s.key))
        return fail("label selector \"" + std::string(text) + "\": " + std::string(label_key_rule));
    if (!valid_label_value(s.value)) {
        return fail("label selector \"" + std::string(text) +
                    "\": " + std::string(label_value_rule));
    }
    return s;
}

bool matches(const label_set& labels, const std::vector<label_selector>& selectors) {
    // For every key named: the cluster's value of it is one of the values asked for.
    return std::all_of(selectors.begin(), selectors.end(), [&](const label_selector& s) {
        const std::string* value = labels.find(s.key);
        return value != nullptr &&
               std::any_of(selectors.begin(), selectors.end(), [&](const label_selector& o) {
                   return o.key == s.key && o.value == *value;
               });
    });
}

}  // namespace sesmon
