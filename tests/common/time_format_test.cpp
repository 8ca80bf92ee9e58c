#include "common/time_format.hpp"

#include <gtest/gtest.h>

namespace sesmon::common {
namespace {

using namespace std::chrono;

TEST(time_format_test, api_date_is_read_in_the_configured_zone) {
    const auto t = parse_api_date("2025-03-24 17:09:41", hours{9});
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(format_rfc3339_utc(*t), "2025-03-24T08:09:41Z");
    EXPECT_EQ(format_rfc3339(*t, hours{9}), "2025-03-24T17:09:41+09:00");
}

TEST(time_format_test, api_date_rejects_other_shapes_and_impossible_dates) {
    for (const char* bad : {"", "2025-03-24", "2025-03-24T17:09:41", "2025-02-30 10:00:00",
                            "2025-03-24 24:00:00", "2025-03-24 17:09:41Z", "garbage"}) {
        EXPECT_FALSE(parse_api_date(bad, hours{9}).has_value()) << bad;
    }
}

TEST(time_format_test, rfc3339_round_trips_with_offsets) {
    const auto t = parse_rfc3339("2026-11-26T20:01:02Z");
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(format_rfc3339_utc(*t), "2026-11-26T20:01:02Z");
    EXPECT_EQ(parse_rfc3339("2026-11-27T05:01:02+09:00"), t);
    EXPECT_EQ(format_rfc3339(*t, -minutes{330}), "2026-11-26T14:31:02-05:30");
}

TEST(time_format_test, durations_parse_in_every_documented_form) {
    EXPECT_EQ(parse_duration("500ms"), milliseconds{500});
    EXPECT_EQ(parse_duration("30s"), seconds{30});
    EXPECT_EQ(parse_duration("5m"), minutes{5});
    EXPECT_EQ(parse_duration("2h"), hours{2});
    EXPECT_EQ(parse_duration("1h30m"), minutes{90});
    EXPECT_EQ(parse_duration("0s"), milliseconds{0});
    EXPECT_EQ(parse_duration("7d"), days{7});
    EXPECT_EQ(parse_duration("1d12h"), hours{36});
    EXPECT_EQ(parse_duration("1d1h1m1s1ms"),
              days{1} + hours{1} + minutes{1} + seconds{1} + milliseconds{1});
}

TEST(time_format_test, durations_above_400_days_are_refused_in_any_unit) {
    EXPECT_EQ(parse_duration("400d"), max_duration);
    EXPECT_EQ(parse_duration("9600h"), max_duration);
    EXPECT_EQ(parse_duration("34560000000ms"), max_duration);
    for (const char* too_long : {"401d", "400d1ms", "9601h", "576001m", "34560001s", "100000h",
                                 "99999999999999999999d", "399d24h1ms"}) {
        EXPECT_FALSE(parse_duration(too_long).has_value()) << too_long;
    }
}

TEST(time_format_test, durations_reject_malformed_text) {
    for (const char* bad : {"", "5", "m", "5x", "30m1h", "1s1s", "-5s", "1.5s", "5 m", "1h1d",
                            "1ms1s", "5d5d", "d", "99999999999999999999h"}) {
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
    }
}

TEST(time_format_test, durations_format_for_humans) {
    EXPECT_EQ(format_duration(milliseconds{850}), "850ms");
    EXPECT_EQ(format_duration(seconds{12}), "12s");
    EXPECT_EQ(format_duration(minutes{47}), "47m");
    EXPECT_EQ(format_duration(seconds{95}), "1m35s");
    EXPECT_EQ(format_duration(minutes{65}), "1h05m");
}

TEST(time_format_test, zone_offsets_parse) {
    EXPECT_EQ(parse_zone_offset("+09:00"), hours{9});
    EXPECT_EQ(parse_zone_offset("-05:30"), -minutes{330});
    EXPECT_EQ(parse_zone_offset("Z"), seconds{0});
    EXPECT_FALSE(parse_zone_offset("09:00").has_value());
    EXPECT_FALSE(parse_zone_offset("+9:00").has_value());
}

}  // namespace
}  // namespace sesmon::common
