// The one HTTP-date / Retry-After parser (common/http_date.hpp), used for the API's answers
// and the webhook receivers' alike.
#include "common/http_date.hpp"

#include <gtest/gtest.h>

#include "common/time_format.hpp"

namespace sesmon::common {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// 2026-11-26T20:01:02Z, a Thursday.
const wall_time now = sys_days(year(2026) / 11 / 26) + 20h + 1min + 2s;

TEST(http_date_test, parses_all_three_rfc_9110_forms) {
    const wall_time expected = sys_days(year(1994) / 11 / 6) + 8h + 49min + 37s;
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), expected);
    EXPECT_EQ(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT\t"), expected);
    // RFC 850 two-digit years below 70 are this century.
    EXPECT_EQ(parse_http_date("Thursday, 26-Nov-26 20:01:02 GMT"), now);
}

TEST(http_date_test, rejects_impossible_and_malformed_dates) {
    for (const char* bad : {"", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
                            "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST",
                            "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
                            "Sun, +6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
                            "Sunday, 06-Nov-9x 08:49:37 GMT", "Sun Nov  6 08:49:37", "soon"}) {
        EXPECT_FALSE(parse_http_date(bad)) << bad;
    }
}

TEST(http_date_test, retry_after_in_seconds_and_as_dates_relative_to_now) {
    EXPECT_EQ(parse_retry_after("0", now), 0ms);
    EXPECT_EQ(parse_retry_after(" 120 ", now), 120s);
    EXPECT_EQ(parse_retry_after("Thu, 26 Nov 2026 20:01:32 GMT", now), 30s);
    EXPECT_EQ(parse_retry_after("Thursday, 26-Nov-26 20:03:02 GMT", now), 2min);
    EXPECT_EQ(parse_retry_after("Thu Nov 26 21:01:02 2026", now), 1h);
    // A date in the past means "now".
    EXPECT_EQ(parse_retry_after("Thu, 26 Nov 2026 19:00:00 GMT", now), 0ms);
}

TEST(http_date_test, retry_after_is_capped_at_400_days_however_it_is_written) {
    EXPECT_EQ(parse_retry_after("34560000", now), max_duration);  // exactly 400 days
    EXPECT_EQ(parse_retry_after("34560001", now), max_duration);
    EXPECT_EQ(parse_retry_after("99999999999999999999999999999999", now), max_duration);
    EXPECT_EQ(parse_retry_after("0000000000000000000000000000000017", now), 17s);
    EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now), max_duration);
}

TEST(http_date_test, retry_after_rejects_what_is_neither_seconds_nor_a_date) {
    for (const char* bad : {"", "-5", "+5", "1.5", "5s", "soon", "Thu, 31 Nov 2026 20:01:32 GMT"}) {
        EXPECT_FALSE(parse_retry_after(bad, now)) << bad;
    }
}

}  // namespace
}  // namespace sesmon::common
