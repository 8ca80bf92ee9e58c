#include "sim/sim_time.hpp"

#include <gtest/gtest.h>

#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

using std::chrono::seconds;

TEST(virtual_clock_test, runs_at_its_scale_and_jumps_on_advance) {
    manual_clock real(wall_time{});
    auto start = test::kst("2025-03-24 17:00:00");
    virtual_clock scaled(start, 60, real);
    virtual_clock frozen(start, 0, real);
    real.advance(seconds(2));
    EXPECT_EQ(scaled.now(), start + seconds(120));
    EXPECT_EQ(frozen.now(), start);
    frozen.advance(seconds(90));
    scaled.advance(seconds(90));
    EXPECT_EQ(frozen.now(), start + seconds(90));
    EXPECT_EQ(scaled.now(), start + seconds(210));
}

TEST(sim_time_test, time_specs_and_kst_format) {
    auto start = test::kst("2025-03-24 17:00:00");
    EXPECT_EQ(parse_time_spec("+90s", start), start + seconds(90));
    EXPECT_EQ(parse_time_spec("-1m30s", start), start - seconds(90));
    EXPECT_EQ(parse_time_spec("5m", start), start + seconds(300));
    EXPECT_EQ(parse_time_spec("2025-03-24 17:09:41", start), start + seconds(581));
    EXPECT_EQ(parse_time_spec("2025-03-24T08:00:00Z", start), start);
    EXPECT_EQ(parse_time_spec("soon", start), std::nullopt);
    EXPECT_EQ(format_kst(start), "2025-03-24 17:00:00");
}

}  // namespace
}  // namespace sesmon::sim
