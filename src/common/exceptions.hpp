#pragma once
// What an exception caught as a std::exception_ptr says, for one log line.
#include <exception>
#include <string>

namespace sesmon::common {

// e.what() of a std::exception, "unknown exception" for anything else.
inline std::string exception_text(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace sesmon::common
