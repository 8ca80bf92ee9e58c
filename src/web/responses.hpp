#pragma once
// responses: the small answers the API's endpoints share (history_api, fleet_api).
#include <string>
#include <string_view>

#include "net/http_server.hpp"

namespace sesmon::web {

// `status` with `body` as `type`.
inline net::server_response reply(int status, std::string body, std::string_view type) {
    net::server_response res;
    res.status = status;
    res.headers = {{"Content-Type", std::string(type)}};
    res.body = std::move(body);
    return res;
}

// A one-line plain-text answer (a reason for 400, 404, 429, 503).
inline net::server_response text(int status, std::string line) {
    return reply(status, std::move(line) + "\n", "text/plain; charset=utf-8");
}

}  // namespace sesmon::web
