// String form of api_error_kind, and the hook that lets boost::system::result throw
// api_error from value(). (The http_client counterparts live in src/net/http_types.cpp:
// that header pulls in Asio, which only sesmon_net may link.)
#include <stdexcept>

#include "sesmon/api_error.hpp"

namespace sesmon {

std::string_view to_string(api_error_kind kind) {
    switch (kind) {
        case api_error_kind::network:
            return "network";
        case api_error_kind::auth:
            return "auth";
        case api_error_kind::not_found:
            return "not_found";
        case api_error_kind::bad_request:
            return "bad_request";
        case api_error_kind::throttled:
            return "throttled";
        case api_error_kind::server:
            return "server";
        case api_error_kind::service:
            return "service";
        case api_error_kind::invalid_response:
            return "invalid_response";
    }
    return "unknown";
}

void throw_exception_from_error(const api_error& e, const boost::source_location&) {
    throw std::runtime_error(e.message);
}

}  // namespace sesmon
