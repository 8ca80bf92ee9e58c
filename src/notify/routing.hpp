#pragma once
// routing: which notifiers an event goes to (SPEC §5, §14). Decided before the event is
// committed, so the store writes exactly the outbox rows that will be delivered. Pure.
//
// Without `routes:` (today's rule): the cluster's `notify` list, each notifier's `events`
// filter (default: every type but node_changed).
// With `routes:` (the Alertmanager routing model in small): the routes are tried in order;
// a route whose `match` holds adds its notifiers, and the first match ends the walk unless
// it says `continue`. An event no route matches goes nowhere (it stays in the history) —
// except `monitor_degraded`, which has no history and no labels: unmatched, it goes to the
// notify list as without routes.
// The routes choose among the cluster's `notify` list, and a notifier's `events` filter
// still applies when the notifier gives one (its default does not: the routes decide).
// Always: what a format can carry at all (PagerDuty takes only incidents).
#include <functional>
#include <string>
#include <vector>

#include "sesmon/config.hpp"
#include "sesmon/event.hpp"

namespace sesmon::notify {

// Whether `notifier` takes events of `type`: its `events` filter (with `routed`, only an
// explicit one) and its format's limits.
bool accepts(const sesmon::notifier_config& notifier, sesmon::event_type type, bool routed = false);

// Whether `e` (of its cluster, with its labels) matches `r`'s conditions.
bool route_matches(const sesmon::route_config& r, const sesmon::event& e);

// The names of the notifiers `e` goes to, in the order they were chosen. Names that are
// not configured are left out and reported in `unknown` when given.
// The configured notifier of a name, or nullptr.
using notifier_lookup = std::function<const sesmon::notifier_config*(const std::string& name)>;

std::vector<std::string> route(const notifier_lookup& find,
                               const std::vector<sesmon::route_config>& routes,
                               const sesmon::event& e, const std::vector<std::string>& notify_list,
                               std::vector<std::string>* unknown = nullptr);
std::vector<std::string> route(const std::vector<sesmon::notifier_config>& notifiers,
                               const std::vector<sesmon::route_config>& routes,
                               const sesmon::event& e, const std::vector<std::string>& notify_list,
                               std::vector<std::string>* unknown = nullptr);

}  // namespace sesmon::notify
