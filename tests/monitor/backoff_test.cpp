#include "monitor/backoff.hpp"

#include <gtest/gtest.h>

namespace sesmon::monitor {
namespace {

using namespace std::chrono_literals;

TEST(backoff_test, jitter_spreads_within_plus_minus_fraction) {
    EXPECT_EQ(jittered(1000ms, 0.1, 0.0), 900ms);
    EXPECT_EQ(jittered(1000ms, 0.1, 0.5), 1000ms);
    EXPECT_NEAR(static_cast<double>(jittered(1000ms, 0.1, 0.9999).count()), 1100.0, 1.0);
    EXPECT_EQ(jittered(1000ms, 0.0, 0.9), 1000ms);
}

TEST(backoff_test, full_jitter_ceiling_doubles_per_failure_until_max) {
    const backoff_policy p{100ms, 1000ms, 0ms};
    const double u = 0.999999;
    EXPECT_NEAR(static_cast<double>(full_jitter(p, 1, u).count()), 100.0, 1.0);
    EXPECT_NEAR(static_cast<double>(full_jitter(p, 2, u).count()), 200.0, 1.0);
    EXPECT_NEAR(static_cast<double>(full_jitter(p, 3, u).count()), 400.0, 1.0);
    EXPECT_NEAR(static_cast<double>(full_jitter(p, 4, u).count()), 800.0, 1.0);
    EXPECT_NEAR(static_cast<double>(full_jitter(p, 5, u).count()), 1000.0, 1.0);
    EXPECT_NEAR(static_cast<double>(full_jitter(p, 1000, u).count()), 1000.0, 1.0);
}

TEST(backoff_test, full_jitter_draws_down_to_the_floor) {
    const backoff_policy p{100ms, 1000ms, 20ms};
    EXPECT_EQ(full_jitter(p, 3, 0.0), 20ms);
    EXPECT_EQ(full_jitter(p, 3, 0.5), 200ms);
}

TEST(backoff_test, auth_errors_wait_the_maximum) {
    const backoff_policy p{100ms, 5000ms, 10ms};
    api_error auth;
    auth.kind = api_error_kind::auth;
    EXPECT_EQ(delay_after_error(auth, p, 1, 0.0), 5000ms);
    api_error net;
    net.kind = api_error_kind::network;
    EXPECT_LE(delay_after_error(net, p, 1, 0.99), 100ms);
}

TEST(backoff_test, retry_after_is_honoured_up_to_max_backoff) {
    const backoff_policy p{100ms, 1000ms, 10ms};
    api_error throttled;
    throttled.kind = api_error_kind::throttled;
    throttled.retry_after = 700ms;  // longer than the backoff: honoured
    EXPECT_EQ(delay_after_error(throttled, p, 1, 0.3), 700ms);
    throttled.retry_after = 1ms;  // shorter than the backoff: the backoff wins
    EXPECT_EQ(delay_after_error(throttled, p, 2, 0.5), 100ms);
}

// A 429 with "Retry-After: 86400" must not silence a cluster for a day (issue 11).
TEST(backoff_test, retry_after_longer_than_max_backoff_is_capped_at_it) {
    const backoff_policy p{1000ms, 5min, 100ms};
    api_error throttled;
    throttled.kind = api_error_kind::throttled;
    throttled.retry_after = std::chrono::hours(24);
    EXPECT_EQ(delay_after_error(throttled, p, 1, 0.0), 5min);
    throttled.retry_after = std::chrono::days(400);
    EXPECT_EQ(delay_after_error(throttled, p, 60, 0.99), 5min);
}

TEST(backoff_test, full_jitter_with_initial_above_max_stays_within_max) {
    const backoff_policy p{1000ms, 300ms, 100ms};
    EXPECT_EQ(full_jitter(p, 1, 0.999), 299ms);
    EXPECT_EQ(full_jitter(p, 50, 0.0), 100ms);
}

}  // namespace
}  // namespace sesmon::monitor
