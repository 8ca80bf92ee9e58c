#include "monitor/backoff.hpp"

#include <algorithm>
#include <cmath>

#include "common/backoff.hpp"

namespace sesmon::monitor {

duration jittered(duration base, double jitter, double u) {
    const double spread = std::clamp(jitter, 0.0, 1.0) * (2.0 * u - 1.0);
    const auto ms = static_cast<double>(base.count()) * (1.0 + spread);
    return duration(std::max<duration::rep>(0, std::llround(ms)));
}

duration full_jitter(const backoff_policy& policy, int failures, double u) {
    const duration drawn =
        common::full_jitter(std::min(policy.initial, policy.max), policy.max, failures, u);
    return std::max(drawn, std::min(policy.floor, policy.max));
}

duration delay_after_error(const api_error& error, const backoff_policy& policy, int failures,
                           double u) {
    duration wait =
        error.kind == api_error_kind::auth ? policy.max : full_jitter(policy, failures, u);
    // The server's Retry-After is honoured up to max_backoff: an API answering
    // "Retry-After: 86400" must not silence a cluster for a day.
    if (error.retry_after)
        wait = std::max(wait, std::min(*error.retry_after, policy.max));
    return wait;
}

}  // namespace sesmon::monitor
