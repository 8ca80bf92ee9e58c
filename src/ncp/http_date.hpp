#pragma once
// HTTP-date (RFC 9110 §5.6.7, IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT") and Retry-After.
// Pure. The obsolete RFC 850 and asctime forms are not accepted.
#include <optional>
#include <string_view>

#include "sesmon/time.hpp"

namespace sesmon::ncp {

std::optional<wall_time> parse_http_date(std::string_view text);

// Retry-After as delay-seconds ("120") or an HTTP-date (relative to `now`; a past date is 0).
// nullopt when it is neither.
std::optional<duration> parse_retry_after(std::string_view value, wall_time now);

}  // namespace sesmon::ncp
