#include "monitor/event_builder.hpp"

#include <algorithm>

#include "common/time_format.hpp"

namespace sesmon::monitor {

int listed_node_count(const upgrade_record& u) {
    return static_cast<int>(std::count_if(u.nodes.begin(), u.nodes.end(),
                                          [](const node_record& n) { return n.listed; }));
}

upgrade_info make_upgrade_info(const upgrade_record& u, std::chrono::seconds zone_offset) {
    upgrade_info info;
    info.from_version = u.from_version;
    info.to_version = u.to_version;
    const auto action_at = common::parse_api_date(u.identity.action_date, zone_offset);
    info.action_date =
        action_at ? common::format_rfc3339(*action_at, zone_offset) : u.identity.action_date;
    info.nodes_total = std::max(u.node_count, listed_node_count(u));
    info.nodes_complete = u.nodes_complete;
    info.started_at = u.started_at;
    info.finished_at = u.finished_at;
    return info;
}

node_info make_node_info(const node_record& n) {
    return node_info{.hostname = n.hostname,
                     .role = n.role,
                     .status = n.status,
                     .previous_status = n.previous_status,
                     .status_since = n.since};
}

}  // namespace sesmon::monitor
