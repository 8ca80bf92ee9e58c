#pragma once
// HTTP-date and Retry-After (RFC 9110 §5.6.7, §10.2.3), the one parser for both the API's
// answers (ncp error classifier: Retry-After, Date) and the webhook receivers' (notify retry
// policy). Pure, never throws.
#include <optional>
#include <string_view>

#include "sesmon/time.hpp"

namespace sesmon::common {

// The three forms a recipient must accept: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"),
// RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year below 70 is 20xx) and asctime
// ("Sun Nov  6 08:49:37 1994"). Surrounding whitespace is ignored. nullopt otherwise,
// including impossible dates and times.
std::optional<wall_time> parse_http_date(std::string_view text);

// Retry-After as delay-seconds ("120") or an HTTP-date, relative to `now` (a date in the past
// is zero). Capped at common::max_duration (400 days), so that no caller overflows adding
// it to a time point; callers cap further where their policy says so. nullopt when the value
// is neither form.
std::optional<duration> parse_retry_after(std::string_view value, wall_time now);

}  // namespace sesmon::common
