#include "monitor/eta.hpp"

#include <algorithm>

#include "monitor/event_builder.hpp"
#include "sesmon/snapshot.hpp"

namespace sesmon::monitor {

std::optional<wall_time> expected_finish(const upgrade_record& u, wall_time now,
                                         const eta_basis& basis) {
    if (u.phase != upgrade_phase::in_progress)
        return std::nullopt;
    const node_time_medians current = medians_of(completed_node_times(u));
    const auto typical = [&](const std::string& role) -> duration {
        if (auto t = current.typical(role))
            return *t;
        if (auto t = basis.history.typical(role))
            return *t;
        return basis.prior;
    };
    duration remaining{};
    for (const node_record& n : u.nodes) {
        if (!n.listed || classify_status(n.status) == node_phase::complete)
            continue;
        duration left = typical(n.role);
        if (n.upgrading_since && classify_status(n.status) != node_phase::pending)
            left = std::max(left - duration(now - *n.upgrading_since), duration(0));
        remaining += left;
    }
    const int unlisted = u.node_count - listed_node_count(u);
    if (unlisted > 0)
        remaining += unlisted * typical("");
    return now + std::chrono::ceil<std::chrono::seconds>(remaining);
}

}  // namespace sesmon::monitor
