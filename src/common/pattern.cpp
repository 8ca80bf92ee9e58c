#include "common/pattern.hpp"

#include <boost/regex.hpp>
#include <cctype>
#include <stdexcept>

namespace sesmon::common {

struct name_pattern::program {
    boost::regex regex;
};

namespace {

// Boost's messages run on over several sentences and quote the pattern: keep the first,
// in lower case like our other messages.
std::string first_sentence(std::string text) {
    const auto end = text.find(". ");
    if (end != std::string::npos)
        text.resize(end);
    if (!text.empty() && text.back() == '.')
        text.pop_back();
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

}  // namespace

boost::system::result<name_pattern, pattern_error> name_pattern::compile(std::string_view source) {
    name_pattern out;
    out.source_ = std::string(source);
    if (source.empty())
        return out;
    try {
        auto p = std::make_shared<program>();
        p->regex.assign(source.begin(), source.end(), boost::regex::ECMAScript);
        out.program_ = std::move(p);
    } catch (const boost::regex_error& e) {
        const auto offset = e.position() < 0 ? 0 : static_cast<std::size_t>(e.position());
        return pattern_error{offset, first_sentence(e.what())};
    }
    return out;
}

std::optional<bool> name_pattern::search(std::string_view text) const {
    if (!program_)
        return true;
    try {
        return boost::regex_search(text.begin(), text.end(), program_->regex);
    } catch (const std::runtime_error&) {
        // Boost.Regex throws when a match exceeds its complexity bound.
        return std::nullopt;
    }
}

void throw_exception_from_error(const pattern_error& e, const boost::source_location&) {
    throw std::invalid_argument(e.message);
}

}  // namespace sesmon::common
