// String form of http_error_kind, header look-up, and the hook that lets
// boost::system::result throw http_error from value() (include/sesmon/http_client.hpp).
#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "common/text.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon {

std::string_view to_string(http_error_kind kind) {
    switch (kind) {
        case http_error_kind::invalid_url:
            return "invalid_url";
        case http_error_kind::dns:
            return "dns";
        case http_error_kind::connect:
            return "connect";
        case http_error_kind::tls:
            return "tls";
        case http_error_kind::timeout:
            return "timeout";
        case http_error_kind::reset:
            return "reset";
        case http_error_kind::body_too_large:
            return "body_too_large";
        case http_error_kind::protocol:
            return "protocol";
    }
    return "unknown";
}

std::optional<std::string> http_response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (common::iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

void throw_exception_from_error(const http_error& e, const boost::source_location&) {
    throw std::runtime_error(std::string(to_string(e.kind)) + ": " + e.message);
}

}  // namespace sesmon
