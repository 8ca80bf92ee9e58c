#pragma once
// api_error: why a call to the NAVER Cloud API failed, classified for the poll loop
// (what to do next) and for people (one line that says what to check).
#include <boost/assert/source_location.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/time.hpp"

namespace sesmon {

enum class api_error_kind {
    network,           // DNS, connect, TLS, reset, timeout: retry with backoff
    auth,              // 401/403 (gateway 200/210/230): report, retry slowly
    not_found,         // 404/"300": wrong route or method; report
    bad_request,       // 400/"100", 413/"430": permanent for this request; report
    throttled,         // 429: back off, honour retry_after
    server,            // 5xx gateway or service: retry with backoff
    service,           // service envelope code != 0 (HTTP 200 or 400): report
    invalid_response,  // unparsable body, wrong types, over the size cap
};

std::string_view to_string(api_error_kind kind);

struct api_error {
    api_error_kind kind = api_error_kind::network;
    int http_status = 0;  // 0 when no response arrived
    std::string code;     // gateway errorCode or service code, "" if none
    std::string message;  // one line for operators, e.g.
                          // "authentication failed (gateway 401/200): check the
                          //  access key, secret key and clock"
    std::optional<duration> retry_after;
    bool clock_skew_suspected = false;  // 401 and the server's Date is ≥ 5 min off ours
};

// Lets result<T, api_error>::value() throw (std::runtime_error with the message).
[[noreturn]] void throw_exception_from_error(const api_error& e, const boost::source_location& loc);

}  // namespace sesmon
