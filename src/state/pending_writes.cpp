#include "state/pending_writes.hpp"

#include <iterator>

namespace sesmon::state {

void pending_writes::add(batch b) {
    for (cluster_record& c : b.clusters) {
        std::string key = c.instance_no;
        clusters.insert_or_assign(std::move(key), std::move(c));
    }
    for (routed_event& e : b.events)
        events.push_back(std::move(e));
    if (b.discovered)
        discovered = std::move(b.discovered);
}

void pending_writes::add(delivery_update u) {
    auto key = std::make_pair(u.notifier, u.event_id);
    deliveries.insert_or_assign(std::move(key), std::move(u));
}

void pending_writes::merge(pending_writes& newer) {
    for (auto& [key, c] : newer.clusters)
        clusters.insert_or_assign(key, std::move(c));
    if (events.empty()) {
        events.swap(newer.events);
    } else {
        events.insert(events.end(), std::make_move_iterator(newer.events.begin()),
                      std::make_move_iterator(newer.events.end()));
    }
    for (auto& [key, u] : newer.deliveries)
        deliveries.insert_or_assign(key, std::move(u));
    if (newer.discovered)
        discovered = std::move(newer.discovered);
    newer.clear();
}

void pending_writes::clear() {
    clusters.clear();
    events.clear();
    deliveries.clear();
    discovered.reset();
}

std::size_t pending_writes::trim_events(std::size_t limit) {
    if (events.size() <= limit)
        return 0;
    const std::size_t drop = events.size() - limit;
    events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(drop));
    return drop;
}

}  // namespace sesmon::state
