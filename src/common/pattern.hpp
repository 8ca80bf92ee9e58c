#pragma once
// name_pattern: an ECMAScript regular expression matched against names (discovery's
// include / exclude on clusterName), compiled once and searched many times.
//
// Boost.Regex in ECMAScript mode rather than std::regex: libstdc++'s std::regex recurses
// per input character (a long name can overflow the stack) and never gives up on
// catastrophic backtracking; Boost.Regex is iterative and bounds the work of one match,
// so a pathological pattern fails that match instead of hanging the event loop.
//
// Copyable and cheap to copy (the compiled program is shared, immutable). Thread-safe.
#include <boost/system/result.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sesmon::common {

struct pattern_error {
    std::size_t offset = 0;  // where in the pattern the problem was found
    std::string message;     // one line, e.g. "unmatched marking parenthesis ( or \("
};

class name_pattern {
  public:
    // The empty pattern: matches every name.
    name_pattern() = default;

    // Compiles `source` (ECMAScript syntax); "" gives the empty pattern.
    static boost::system::result<name_pattern, pattern_error> compile(std::string_view source);

    const std::string& source() const { return source_; }
    bool empty() const { return source_.empty(); }

    // Whether the pattern occurs anywhere in `text` (a search: anchor with ^ and $ for a
    // whole-name match). nullopt when the match gave up (too complex for this text).
    std::optional<bool> search(std::string_view text) const;

  private:
    struct program;
    std::string source_;
    std::shared_ptr<const program> program_;
};

// Lets result<name_pattern, pattern_error>::value() throw (std::invalid_argument).
[[noreturn]] void throw_exception_from_error(const pattern_error& e,
                                             const boost::source_location& loc);

}  // namespace sesmon::common
