#pragma once
// Decides whether an API response is an error and what kind (ncp-api.md "Responses"). Pure.
//
// - Gateway envelope {"error":{"errorCode","message","details"|"detail"}}: each errorCode of
//   ncp-api.md's table maps to a kind; unknown codes fall back to the HTTP status.
// - Service envelope {"code":N,...} with N != 0 is api_error_kind::service, on HTTP 200 as
//   well as 400 (5xx → server).
// - Any other non-2xx status maps by status (401/403 auth, 404 not_found, 429 throttled,
//   5xx server, other 4xx bad_request, 1xx/3xx invalid_response).
// - Retry-After (seconds or HTTP-date) fills retry_after on any error.
// - A 401 whose Date header is ≥ 5 minutes away from `our_now` sets clock_skew_suspected and
//   says so in the message.
// Returns nullopt for a 2xx response without an error envelope (the body is then the
// parser's business).
#include <optional>
#include <string_view>

#include "ncp/json_body.hpp"
#include "sesmon/api_error.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon::ncp {

inline constexpr auto clock_skew_threshold = std::chrono::minutes(5);

// On a body already parsed (the client parses once for this and parse_progress).
std::optional<api_error> classify_response(int http_status, const http_headers& headers,
                                           const json_body& body, wall_time our_now);
// Parses `body` first.
std::optional<api_error> classify_response(int http_status, const http_headers& headers,
                                           std::string_view body, wall_time our_now);

// The value of the first header called `name` (ASCII case-insensitive), without copying.
std::optional<std::string_view> find_header(const http_headers& headers, std::string_view name);

}  // namespace sesmon::ncp
