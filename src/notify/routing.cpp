#include "notify/routing.hpp"

#include <algorithm>

#include "notify/format_pagerduty.hpp"

namespace sesmon::notify {

bool accepts(const notifier_config& notifier, event_type type) {
    if (notifier.type == notifier_type::webhook && notifier.format == webhook_format::pagerduty &&
        !accepted_by_pagerduty(type)) {
        return false;
    }
    if (notifier.events.empty())
        return type != event_type::node_changed;  // the documented default
    return std::find(notifier.events.begin(), notifier.events.end(), type) != notifier.events.end();
}

std::vector<std::string> route(const std::vector<notifier_config>& notifiers, const event& e,
                               const std::vector<std::string>& notify_list,
                               std::vector<std::string>* unknown) {
    std::vector<std::string> out;
    for (const std::string& name : notify_list) {
        const auto it = std::find_if(notifiers.begin(), notifiers.end(),
                                     [&](const notifier_config& n) { return n.name == name; });
        if (it == notifiers.end()) {
            if (unknown != nullptr)
                unknown->push_back(name);
        } else if (accepts(*it, e.type)) {
            out.push_back(name);
        }
    }
    return out;
}

}  // namespace sesmon::notify
