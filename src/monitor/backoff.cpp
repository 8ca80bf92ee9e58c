#include "monitor/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace sesmon::monitor {

duration jittered(duration base, double jitter, double u) {
    const double spread = std::clamp(jitter, 0.0, 1.0) * (2.0 * u - 1.0);
    const auto ms = static_cast<double>(base.count()) * (1.0 + spread);
    return duration(std::max<duration::rep>(0, std::llround(ms)));
}

duration full_jitter(const backoff_policy& policy, int failures, double u) {
    // initial * 2^(failures-1), saturating at max without overflowing.
    const int shift = std::clamp(failures - 1, 0, 62);
    duration ceiling = policy.max;
    const auto initial = std::max<duration::rep>(policy.initial.count(), 1);
    if (shift < 62 && initial <= (policy.max.count() >> shift)) {
        ceiling = duration(initial << shift);
    }
    ceiling = std::min(ceiling, policy.max);
    const auto drawn =
        duration(static_cast<duration::rep>(static_cast<double>(ceiling.count()) * u));
    return std::max(drawn, std::min(policy.floor, policy.max));
}

duration delay_after_error(const api_error& error, const backoff_policy& policy, int failures,
                           double u) {
    duration wait =
        error.kind == api_error_kind::auth ? policy.max : full_jitter(policy, failures, u);
    if (error.retry_after)
        wait = std::max(wait, *error.retry_after);
    return wait;
}

}  // namespace sesmon::monitor
