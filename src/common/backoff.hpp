#pragma once
// Exponential backoff with full jitter, the one policy behind the poll loop's error backoff
// (monitor/backoff.hpp) and the notifiers' retries (notify/retry_policy.hpp). Pure: the
// random draw comes in as a number, so tests need neither clock nor generator.
#include "sesmon/time.hpp"

namespace sesmon::common {

// The ceiling before attempt `attempt` (1 = after the first failure):
// initial * 2^(attempt-1), saturating at `max`. Never overflows, whatever the inputs: an
// initial below 1 ms counts as 1 ms, a max below initial counts as initial, attempts below
// 1 count as 1.
duration backoff_ceiling(duration initial, duration max, int attempt);

// Full jitter: `u` × backoff_ceiling(...), with `u` clamped to [0, 1].
duration full_jitter(duration initial, duration max, int attempt, double u);

}  // namespace sesmon::common
