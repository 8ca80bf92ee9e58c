// Maintenance windows: parsing weekly spans, and whether a moment is inside, across midnight
// and across the week's end (Sun → Mon), in fixed-offset zones.
#include "silence/maintenance.hpp"

#include <gtest/gtest.h>

#include "common/time_format.hpp"
#include "silence/time_zone.hpp"

namespace sesmon::silence {
namespace {

using namespace std::chrono_literals;

maintenance_window window(std::vector<std::string> spans, std::string zone) {
    maintenance_window w;
    w.name = "w";
    for (const auto& s : spans) {
        auto span = parse_weekly(s);
        EXPECT_TRUE(span) << s;
        if (span)
            w.weekly.push_back(*span);
    }
    w.time_zone = zone;
    w.utc_offset = *zone_offset(zone);
    return w;
}

wall_time at(const std::string& rfc3339) {
    auto t = common::parse_rfc3339(rfc3339);
    EXPECT_TRUE(t) << rfc3339;
    return t.value_or(wall_time{});
}

TEST(maintenance_test, weekly_spans_parse_to_minutes_of_the_week) {
    struct row {
        std::string text;
        int start, end;
    };
    const std::vector<row> rows = {
        {"Tue 02:00-05:00", 1440 + 120, 1440 + 300},
        {"mon 00:00-24:00", 0, 1440},
        {"Wednesday 23:30-00:30", 2 * 1440 + 1410, 3 * 1440 + 30},  // across midnight
        {"Sun 23:00-01:00", 6 * 1440 + 1380, 7 * 1440 + 60},        // across the week's end
        {"Fri 22:00-Mon 06:00", 4 * 1440 + 1320, 7 * 1440 + 360},
        {"Sat 10:00-Sat 09:00", 5 * 1440 + 600, 12 * 1440 + 540},  // a whole week but an hour
    };
    for (const row& r : rows) {
        std::string why;
        const auto span = parse_weekly(r.text, &why);
        ASSERT_TRUE(span) << r.text << ": " << why;
        EXPECT_EQ(span->start, r.start) << r.text;
        EXPECT_EQ(span->end, r.end) << r.text;
    }
}

TEST(maintenance_test, malformed_spans_are_refused_with_the_reason) {
    for (const std::string text :
         {"Tue 2:00-05:00", "Tue 02:00", "Tuesday-05:00", "Xyz 02:00-05:00", "Tue 25:00-26:00",
          "Tue 02:60-03:00", "Tue 24:00-01:00", "Tue 02:00-Xyz 03:00", "02:00-05:00", ""}) {
        std::string why;
        EXPECT_FALSE(parse_weekly(text, &why)) << text;
        EXPECT_NE(why.find("invalid weekly window"), std::string::npos) << text << ": " << why;
    }
}

TEST(maintenance_test, inside_is_judged_in_the_window_zone) {
    // Tue 02:00-05:00 in Seoul (+09:00) is Mon 17:00-20:00 UTC.
    const auto w = window({"Tue 02:00-05:00"}, "Asia/Seoul");
    // 2026-11-23 is a Monday.
    EXPECT_FALSE(inside(w, at("2026-11-23T16:59:59Z")));
    EXPECT_TRUE(inside(w, at("2026-11-23T17:00:00Z")));
    EXPECT_TRUE(inside(w, at("2026-11-23T19:59:59Z")));
    EXPECT_FALSE(inside(w, at("2026-11-23T20:00:00Z")));
    // The same span in UTC is nine hours later.
    const auto utc = window({"Tue 02:00-05:00"}, "UTC");
    EXPECT_FALSE(inside(utc, at("2026-11-23T17:00:00Z")));
    EXPECT_TRUE(inside(utc, at("2026-11-24T02:00:00Z")));
    // And a week later, the same again.
    EXPECT_TRUE(inside(w, at("2026-11-30T18:00:00Z")));
}

TEST(maintenance_test, a_window_across_the_week_end_covers_sunday_night_and_monday_morning) {
    // Sun 23:00-01:00 in Tokyo: Sun 14:00-16:00 UTC.
    const auto w = window({"Sun 23:00-01:00"}, "Asia/Tokyo");
    // 2026-11-29 is a Sunday.
    EXPECT_FALSE(inside(w, at("2026-11-29T13:59:00Z")));  // Sun 22:59 Tokyo
    EXPECT_TRUE(inside(w, at("2026-11-29T14:00:00Z")));   // Sun 23:00
    EXPECT_TRUE(inside(w, at("2026-11-29T15:30:00Z")));   // Mon 00:30, the next week
    EXPECT_FALSE(inside(w, at("2026-11-29T16:00:00Z")));  // Mon 01:00
    // Fri 22:00 - Mon 06:00 KST, checked at Mon 03:00 KST (Sun 18:00 UTC).
    const auto weekend = window({"Fri 22:00-Mon 06:00"}, "Asia/Seoul");
    EXPECT_TRUE(inside(weekend, at("2026-11-29T18:00:00Z")));
    EXPECT_TRUE(inside(weekend, at("2026-11-27T13:00:00Z")));   // Fri 22:00 KST
    EXPECT_FALSE(inside(weekend, at("2026-11-27T12:59:00Z")));  // Fri 21:59 KST
    EXPECT_FALSE(inside(weekend, at("2026-11-29T21:00:00Z")));  // Mon 06:00 KST
}

TEST(maintenance_test, a_zone_west_of_utc_moves_the_day_back) {
    // Mon 20:00-23:00 at -05:00 is Tue 01:00-04:00 UTC.
    const auto w = window({"Mon 20:00-23:00"}, "-05:00");
    EXPECT_TRUE(inside(w, at("2026-11-24T01:00:00Z")));
    EXPECT_FALSE(inside(w, at("2026-11-23T20:00:00Z")));
}

TEST(maintenance_test, several_spans_and_windows_and_which_clusters_they_apply_to) {
    auto prod = window({"Tue 02:00-05:00", "Thu 02:00-05:00"}, "Asia/Seoul");
    prod.labels = label_set{{"env", "prod"}};
    auto named = window({"Sat 10:00-12:00"}, "UTC");
    named.clusters = {"lab"};
    const std::vector<maintenance_window> all = {prod, named};

    const label_set prod_labels{{"env", "prod"}, {"team", "search"}};
    const auto thursday = at("2026-11-25T18:00:00Z");  // Thu 03:00 KST
    EXPECT_EQ(in_window(all, "logs", prod_labels, thursday), true);
    EXPECT_EQ(in_window(all, "logs", prod_labels, at("2026-11-25T12:00:00Z")), false);
    // No window applies to a cluster without the labels or the name: no verdict at all.
    EXPECT_EQ(in_window(all, "dev", label_set{{"env", "dev"}}, thursday), std::nullopt);
    EXPECT_EQ(in_window(all, "lab", {}, at("2026-11-28T11:00:00Z")), true);
    EXPECT_EQ(in_window(all, "lab", {}, thursday), false);
    // A window with neither labels nor clusters applies to every cluster.
    const auto everyone = window({"Wed 00:00-24:00"}, "UTC");
    EXPECT_EQ(in_window({everyone}, "dev", {}, at("2026-11-25T12:00:00Z")), true);
}

}  // namespace
}  // namespace sesmon::silence
