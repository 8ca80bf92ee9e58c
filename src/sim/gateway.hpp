#pragma once
// gateway: what NAVER Cloud's API gateway does before and around the service — signature v2
// checks and the shapes of its error bodies and of the service envelope (ncp-api.md).
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "net/http_server.hpp"

namespace sesmon::sim {

struct gateway_credentials {
    std::string access_key;
    std::string secret_key;
};

// base64(HMAC-SHA256(secret, METHOD + " " + PATH_WITH_QUERY + "\n" + TIMESTAMP + "\n" + KEY)).
std::string signature_v2(std::string_view method, std::string_view target,
                         std::string_view timestamp_ms, std::string_view access_key,
                         std::string_view secret_key);

// Checks the three auth headers of `req` against `creds` at real time `now` (the window is
// ±5 minutes of REAL wall time: virtual time is a simulation of the cluster, not of the
// gateway's clock). Returns "" when authentic, else why not (for the log; never a secret).
std::string check_signature(const net::server_request& req, const gateway_credentials& creds,
                            std::chrono::system_clock::time_point now);

// A random UUID v4 as text.
std::string make_request_id(std::mt19937_64& rng);

// {"error":{"errorCode":..,"message":..,"details":..}} with the request id header.
net::server_response gateway_error(int status, std::string_view error_code,
                                   std::string_view message, std::string_view details,
                                   const std::string& request_id);

// {"code":..,"message":..,"result":<result_json>,"requestId":..}; `result_json` empty →
// no "result" member.
net::server_response service_envelope(int http_status, int code, std::string_view message,
                                      std::string_view result_json, const std::string& request_id);

// A JSON response with `body` (application/json) and the request id header.
net::server_response json_response(int status, std::string body, const std::string& request_id);

}  // namespace sesmon::sim
