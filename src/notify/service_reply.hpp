#pragma once
// What the services' answers mean for a delivery (naver_works, teams, ncp_mail, ncp_sms):
// retry_policy's classification of the HTTP status, plus the service's own reason from
// the error body, so that a dead delivery says why ("HTTP 401: invalid_client: JWT
// signature does not verify"). Pure.
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"
#include "sesmon/time.hpp"

namespace sesmon::notify {

// The reason in an error body, one line of at most 200 bytes: the first of NAVER WORKS'
// {"code", "description"}, OAuth's {"error", "error_description"}, SENS' {"errorMessage"} /
// {"error", "message"}, the gateway's {"error": {"errorCode", "message"}}, Teams'
// {"error": {"code", "message"}}; "" when there is none.
std::string service_error_text(std::string_view body);

// classify_http_result, with service_error_text appended to the detail of an answer that
// was not accepted, and Retry-After — else the rateLimit-reset header (seconds, as NAVER
// WORKS sends with its 429) — as the wait for a retry.
sesmon::delivery_outcome classify_service_result(const sesmon::http_result& result,
                                                 sesmon::wall_time now);

// The outcome of a request that may not start at `now` under `context` (a retry whose detail
// says why, SPEC §12 invariant 3); nullopt when it may start.
std::optional<sesmon::delivery_outcome> refused_by(const sesmon::delivery_context& context,
                                                   sesmon::steady_time now);

}  // namespace sesmon::notify
