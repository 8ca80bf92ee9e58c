#include "common/engine_version.hpp"

#include <cctype>
#include <charconv>

#include "common/text.hpp"

namespace sesmon::common {

namespace {

std::optional<int> digits(std::string_view s) {
    int n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
        return std::nullopt;
    return n;
}

// A version code: the API's searchEngineVersionCode.
std::optional<engine_version_number> from_code(std::string_view s) {
    if (!all_digits(s))
        return std::nullopt;
    std::string_view major, minor, patch;
    switch (s.size()) {
        case 3:
            major = s.substr(0, 1), minor = s.substr(1, 1), patch = s.substr(2, 1);
            break;
        case 4:
            major = s.substr(0, 1), minor = s.substr(1, 2), patch = s.substr(3, 1);
            break;
        case 5:
            major = s.substr(0, 1), minor = s.substr(1, 2), patch = s.substr(3, 2);
            break;
        default:
            return std::nullopt;
    }
    return engine_version_number{*digits(major), *digits(minor), *digits(patch)};
}

// The first "N.N[.N]" in `s`.
std::optional<engine_version_number> from_dotted(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i])) ||
            (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))))
            continue;
        int parts[3] = {0, 0, 0};
        int count = 0;
        std::size_t j = i;
        while (count < 3 && j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
            std::size_t k = j;
            while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])))
                ++k;
            const auto n = digits(s.substr(j, k - j));
            if (!n)
                break;
            parts[count++] = *n;
            if (k < s.size() && s[k] == '.' && k + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[k + 1])))
                j = k + 1;
            else
                break;
        }
        if (count >= 2)
            return engine_version_number{parts[0], parts[1], parts[2]};
    }
    return std::nullopt;
}

}  // namespace

std::string engine_version_number::text() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::optional<engine_version_number> parse_engine_version(std::string_view text) {
    if (auto code = from_code(text))
        return code;
    return from_dotted(text);
}

std::string rolling_upgrade_refusal(const engine_version_number& from,
                                    const engine_version_number& to) {
    if (to <= from)
        return to.text() + " is not newer than " + from.text();
    if (to.major > from.major + 1) {
        return "a rolling upgrade goes between adjacent major versions only (" + from.text() +
               " → " + to.text() + " skips a major)";
    }
    if (to.major == from.major + 1) {
        // The first version of the previous major each major can be reached from.
        const engine_version_number needed = to.major == 3   ? engine_version_number{2, 19, 0}
                                             : to.major == 2 ? engine_version_number{1, 3, 0}
                                                             : from;
        if (from < needed) {
            return std::to_string(to.major) + ".x needs " + needed.text() + " or later first (" +
                   from.text() + " → " + to.text() + ")";
        }
    }
    return "";
}

}  // namespace sesmon::common
