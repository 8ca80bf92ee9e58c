// Fuzz target: every date, duration and Retry-After parser (common/http_date.hpp,
// common/time_format.hpp), with the properties their callers rely on.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/http_date.hpp"
#include "common/time_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sesmon::common;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const sesmon::wall_time now{std::chrono::seconds(1'795'723'262)};

    if (const auto after = parse_retry_after(text, now)) {
        if (after->count() < 0 || *after > max_duration)
            __builtin_trap();  // never negative, never past the cap
    }
    (void)parse_http_date(text);
    (void)parse_api_date(text, std::chrono::hours(9));
    (void)parse_rfc3339(text);
    (void)parse_zone_offset(text);
    if (const auto d = parse_duration(text)) {
        if (d->count() < 0 || *d > max_duration)
            __builtin_trap();
        // Whatever the units, the same length in milliseconds reads back the same.
        (void)format_duration(*d);
        if (parse_duration(std::to_string(d->count()) + "ms") != d)
            __builtin_trap();
    }
    return 0;
}
