#pragma once
// backoff: how long a cluster_watcher waits before its next poll. Pure functions of their
// inputs (the random draw is passed in as a number in [0, 1)), so tests need no clock.
#include "sesmon/api_error.hpp"
#include "sesmon/time.hpp"

namespace sesmon::monitor {

struct backoff_policy {
    duration initial = std::chrono::seconds(1);  // ceiling of the first retry
    duration max = std::chrono::minutes(5);      // ceiling of every retry (polling.max_backoff)
    duration floor = std::chrono::milliseconds(100);  // never retry sooner than this
};

// `base` spread by ±`jitter` (0.1 = ±10 %): base * (1 + jitter * (2u - 1)). u in [0, 1).
duration jittered(duration base, double jitter, double u);

// Exponential backoff with full jitter: uniform in [0, min(max, initial * 2^(failures-1))],
// then raised to `floor`. `failures` counts consecutive failures, starting at 1.
duration full_jitter(const backoff_policy& policy, int failures, double u);

// The wait after a failed poll:
// - auth errors (keys get fixed, clocks get synced): policy.max, so they are retried slowly;
// - everything else: full_jitter;
// - a Retry-After from the server is honoured up to policy.max: the wait is never shorter
//   than min(Retry-After, max).
duration delay_after_error(const api_error& error, const backoff_policy& policy, int failures,
                           double u);

}  // namespace sesmon::monitor
