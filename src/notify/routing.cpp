#include "notify/routing.hpp"

#include <algorithm>

#include "notify/format_pagerduty.hpp"

namespace sesmon::notify {

namespace {

template <class T>
bool contains(const std::vector<T>& list, const T& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// The notifiers the routes choose for `e`, in route order, each once.
std::vector<std::string> chosen_by_routes(const std::vector<route_config>& routes, const event& e) {
    std::vector<std::string> out;
    for (const route_config& r : routes) {
        if (!route_matches(r, e))
            continue;
        for (const std::string& name : r.notifiers) {
            if (!contains(out, name))
                out.push_back(name);
        }
        if (!r.continue_matching)
            break;
    }
    return out;
}

}  // namespace

bool accepts(const notifier_config& notifier, event_type type, bool routed) {
    if (notifier.type == notifier_type::webhook && notifier.format == webhook_format::pagerduty &&
        !accepted_by_pagerduty(type)) {
        return false;
    }
    if (routed && !notifier.events_given)
        return true;
    if (notifier.events.empty())
        return type != event_type::node_changed;  // the documented default
    return contains(notifier.events, type);
}

bool route_matches(const route_config& r, const event& e) {
    return e.cluster.labels.contains_all(r.labels) &&
           (r.clusters.empty() || contains(r.clusters, e.cluster.name)) &&
           (r.events.empty() || contains(r.events, e.type)) &&
           (r.severities.empty() || contains(r.severities, severity_of(e)));
}

std::vector<std::string> route(const notifier_lookup& find, const std::vector<route_config>& routes,
                               const event& e, const std::vector<std::string>& notify_list,
                               std::vector<std::string>* unknown) {
    bool routed = !routes.empty();
    std::vector<std::string> candidates = routed ? chosen_by_routes(routes, e) : notify_list;
    if (routed && candidates.empty() && e.type == event_type::monitor_degraded) {
        // About the monitor itself, with no history to keep it in: routes written for
        // clusters' labels must not drop it. Everyone whose own filter takes it.
        routed = false;
        candidates = notify_list;
    }
    std::vector<std::string> out;
    for (const std::string& name : candidates) {
        const notifier_config* config = find(name);
        if (config == nullptr) {
            if (unknown != nullptr)
                unknown->push_back(name);
        } else if ((!routed || contains(notify_list, name)) && accepts(*config, e.type, routed)) {
            out.push_back(name);
        }
    }
    return out;
}

std::vector<std::string> route(const std::vector<notifier_config>& notifiers,
                               const std::vector<route_config>& routes, const event& e,
                               const std::vector<std::string>& notify_list,
                               std::vector<std::string>* unknown) {
    const auto find = [&](const std::string& name) -> const notifier_config* {
        const auto it = std::find_if(notifiers.begin(), notifiers.end(),
                                     [&](const notifier_config& n) { return n.name == name; });
        return it == notifiers.end() ? nullptr : &*it;
    };
    return route(find, routes, e, notify_list, unknown);
}

}  // namespace sesmon::notify
