#pragma once
// What the router tests share: a request as the server would hand it over, and a header of
// an answer.
#include <string>
#include <string_view>

#include "net/http_server.hpp"

namespace sesmon::web::testing {

inline net::server_request request(std::string method, std::string target,
                                   sesmon::http_headers headers = {}) {
    net::server_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = std::move(headers);
    r.remote = "127.0.0.1:50000";
    return r;
}

// The first header of that name ("" without one).
inline std::string header(const net::server_response& res, std::string_view name) {
    for (const auto& [k, v] : res.headers) {
        if (k == name)
            return v;
    }
    return "";
}

}  // namespace sesmon::web::testing
