#include "silence/planned.hpp"

#include "monitor/event_id.hpp"
#include "monitor/summary.hpp"
#include "silence/maintenance.hpp"

namespace sesmon::silence {

void mark_maintenance(std::vector<event>& events, const std::vector<maintenance_window>& windows,
                      const monitor::upgrade_identity& identity) {
    if (windows.empty())
        return;
    for (std::size_t i = 0; i < events.size(); ++i) {
        event& e = events[i];
        e.in_maintenance_window =
            in_window(windows, e.cluster.name, e.cluster.labels, e.occurred_at);
        if (e.type != event_type::upgrade_started || !e.in_maintenance_window.has_value())
            continue;
        const wall_time started =
            e.upgrade && e.upgrade->started_at ? *e.upgrade->started_at : e.occurred_at;
        const auto planned = in_window(windows, e.cluster.name, e.cluster.labels, started);
        if (planned.value_or(true))
            continue;
        event unplanned = e;
        unplanned.type = event_type::upgrade_unplanned;
        unplanned.in_maintenance_window = false;  // it is about the start, outside them all
        unplanned.id =
            monitor::make_event_id({e.cluster.instance_no, identity.action_date,
                                    identity.target_version, event_type::upgrade_unplanned});
        unplanned.summary = monitor::summarize(unplanned);
        events.insert(events.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(unplanned));
        ++i;
    }
}

}  // namespace sesmon::silence
