// String forms of the shared error kinds, and the hooks that let boost::system::result
// throw our error types from value().
#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "sesmon/api_error.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon {

std::string_view to_string(http_error_kind kind) {
    switch (kind) {
        case http_error_kind::invalid_url: return "invalid_url";
        case http_error_kind::dns: return "dns";
        case http_error_kind::connect: return "connect";
        case http_error_kind::tls: return "tls";
        case http_error_kind::timeout: return "timeout";
        case http_error_kind::reset: return "reset";
        case http_error_kind::body_too_large: return "body_too_large";
        case http_error_kind::protocol: return "protocol";
    }
    return "unknown";
}

std::string_view to_string(api_error_kind kind) {
    switch (kind) {
        case api_error_kind::network: return "network";
        case api_error_kind::auth: return "auth";
        case api_error_kind::not_found: return "not_found";
        case api_error_kind::bad_request: return "bad_request";
        case api_error_kind::throttled: return "throttled";
        case api_error_kind::server: return "server";
        case api_error_kind::service: return "service";
        case api_error_kind::invalid_response: return "invalid_response";
    }
    return "unknown";
}

std::optional<std::string> http_response::header(std::string_view name) const {
    const auto same = [&](const std::string& candidate) {
        return std::equal(candidate.begin(), candidate.end(), name.begin(), name.end(),
                          [](unsigned char a, unsigned char b) {
                              return std::tolower(a) == std::tolower(b);
                          });
    };
    for (const auto& [key, value] : headers) {
        if (same(key)) {
            return value;
        }
    }
    return std::nullopt;
}

void throw_exception_from_error(const http_error& e, const boost::source_location&) {
    throw std::runtime_error(std::string(to_string(e.kind)) + ": " + e.message);
}

void throw_exception_from_error(const api_error& e, const boost::source_location&) {
    throw std::runtime_error(e.message);
}

}  // namespace sesmon
