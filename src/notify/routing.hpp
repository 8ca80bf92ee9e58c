#pragma once
// routing: which notifiers an event goes to — the cluster's `notify` list, each notifier's
// `events` filter, and what a format can carry at all (PagerDuty takes only incidents).
// Decided before the event is committed, so the store writes exactly the outbox rows that
// will be delivered. Pure.
#include <string>
#include <vector>

#include "sesmon/config.hpp"
#include "sesmon/event.hpp"

namespace sesmon::notify {

// The notifier's `events` filter (default: every type but node_changed) and its format's
// limits.
bool accepts(const sesmon::notifier_config& notifier, sesmon::event_type type);

// The names in `notify_list` whose notifier is configured and accepts `e`, in list order.
// Names that are not configured are left out and reported in `unknown` when given.
std::vector<std::string> route(const std::vector<sesmon::notifier_config>& notifiers,
                               const sesmon::event& e, const std::vector<std::string>& notify_list,
                               std::vector<std::string>* unknown = nullptr);

}  // namespace sesmon::notify
