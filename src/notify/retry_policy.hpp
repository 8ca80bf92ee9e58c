#pragma once
// retry_policy: the pure rules of SPEC §5 for what an attempt's result means and when to try
// again. No I/O, no clocks: time comes in as arguments.
#include <functional>
#include <optional>
#include <string_view>

#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"
#include "sesmon/time.hpp"

namespace sesmon::notify {

// What an HTTP status means for a webhook delivery:
//   2xx → delivered; 408, 429, 5xx → retry; 3xx → rejected (redirects are not followed:
//   a receiver that moved must be reconfigured); other 4xx → rejected;
//   1xx and anything outside 100..599 → retry (not a final answer; treated as a glitch).
delivery_outcome::kind classify_http_status(int status);

// What a transport failure means: invalid_url is permanent (rejected); DNS, connect, TLS,
// timeout, reset, oversized or malformed responses are transient (retry).
delivery_outcome::kind classify_http_error(http_error_kind kind);

// The whole outcome of one webhook exchange (status, detail, Retry-After). `now` is the wall
// time the answer arrived, for an HTTP-date Retry-After (common/http_date.hpp: seconds or
// any of the three date forms, at most 400 days). latency is left for the caller.
delivery_outcome classify_http_result(const http_result& result, wall_time now);

// The wait before retry number `failures` (1 = after the first failed attempt): full jitter
// over an exponential ceiling, random01 * min(max_backoff, initial_backoff * 2^(failures-1)),
// but never less than `retry_after` when the receiver sent one. `random01` is in [0, 1).
duration backoff_delay(const retry_config& retry, int failures, double random01,
                       std::optional<duration> retry_after);

// True when an event that occurred at `occurred_at` is too old to deliver at `now`.
bool expired(const retry_config& retry, wall_time occurred_at, wall_time now);

}  // namespace sesmon::notify
