#include "common/backoff.hpp"

#include <algorithm>

namespace sesmon::common {

duration backoff_ceiling(duration initial, duration max, int attempt) {
    const duration::rep first = std::max<duration::rep>(initial.count(), 1);
    const duration::rep limit = std::max(max.count(), first);
    // first << shift stays ≤ limit exactly when first ≤ limit >> shift: no overflow.
    const int shift = std::clamp(attempt - 1, 0, 62);
    if (first > (limit >> shift)) {
        return duration(limit);
    }
    return duration(first << shift);
}

duration full_jitter(duration initial, duration max, int attempt, double u) {
    const duration ceiling = backoff_ceiling(initial, max, attempt);
    const double share = std::clamp(u, 0.0, 1.0);
    if (share >= 1.0) {
        return ceiling;  // (a ceiling near the maximum would round up past it as a double)
    }
    return duration(static_cast<duration::rep>(static_cast<double>(ceiling.count()) * share));
}

}  // namespace sesmon::common
