// The one exponential backoff with full jitter (common/backoff.hpp), behind both the poll
// loop and the notifiers' retries.
#include "common/backoff.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace sesmon::common {
namespace {

using namespace std::chrono_literals;

TEST(backoff_test, ceiling_doubles_from_initial_until_max) {
    EXPECT_EQ(backoff_ceiling(1s, 10s, 1), 1s);
    EXPECT_EQ(backoff_ceiling(1s, 10s, 2), 2s);
    EXPECT_EQ(backoff_ceiling(1s, 10s, 4), 8s);
    EXPECT_EQ(backoff_ceiling(1s, 10s, 5), 10s);
    EXPECT_EQ(backoff_ceiling(1s, 10s, 1'000'000), 10s);
}

TEST(backoff_test, ceiling_never_overflows) {
    const duration huge(std::numeric_limits<duration::rep>::max());
    EXPECT_EQ(backoff_ceiling(1ms, huge, 62), duration(1LL << 61));
    EXPECT_EQ(backoff_ceiling(1ms, huge, 64), duration(1LL << 62));
    EXPECT_EQ(backoff_ceiling(3ms, huge, 62), duration(3LL << 61));
    EXPECT_EQ(backoff_ceiling(3ms, huge, 63), huge);
    EXPECT_EQ(backoff_ceiling(huge, huge, 2), huge);
    EXPECT_EQ(backoff_ceiling(duration(1LL << 40), huge, 40), huge);
    EXPECT_EQ(full_jitter(1ms, huge, 200, 1.0), backoff_ceiling(1ms, huge, 200));
    EXPECT_EQ(full_jitter(huge, huge, 200, 1.0), huge);
}

TEST(backoff_test, degenerate_inputs_are_clamped) {
    EXPECT_EQ(backoff_ceiling(0ms, 10s, 1), 1ms);   // initial below 1 ms
    EXPECT_EQ(backoff_ceiling(5s, 1s, 3), 5s);      // max below initial
    EXPECT_EQ(backoff_ceiling(1s, 10s, -7), 1s);    // attempts below 1
    EXPECT_EQ(full_jitter(1s, 10s, 3, -0.5), 0ms);  // u below 0
    EXPECT_EQ(full_jitter(1s, 10s, 3, 7.0), 4s);    // u above 1
}

TEST(backoff_test, full_jitter_spreads_over_zero_to_the_ceiling) {
    EXPECT_EQ(full_jitter(1s, 10s, 3, 0.0), 0ms);
    EXPECT_EQ(full_jitter(1s, 10s, 3, 0.5), 2s);
    EXPECT_EQ(full_jitter(1s, 10s, 3, 0.999), 3996ms);
}

}  // namespace
}  // namespace sesmon::common
