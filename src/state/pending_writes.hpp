#pragma once
// pending_writes: what the writer thread has been given and not yet committed — one group
// commit's worth, or, while the disk fails, everything since it began failing. Coalesced so
// that a long outage costs memory in proportion to what changed, not to how often:
// a cluster keeps only its latest state, a delivery only its latest result, the discovered
// set only its latest version. Events are kept in order (each is a row of its own).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "state/records.hpp"

namespace sesmon::state {

struct pending_writes {
    std::unordered_map<std::string, cluster_record> clusters;                   // by instance_no
    std::vector<routed_event> events;                                           // in commit order
    std::map<std::pair<std::string, std::string>, delivery_update> deliveries;  // (notifier, id)
    std::optional<std::vector<discovered_record>> discovered;                   // the latest set

    void add(batch b);
    void add(delivery_update u);
    // Adds everything of `newer` (written after this) and leaves it empty.
    void merge(pending_writes& newer);
    bool empty() const {
        return clusters.empty() && events.empty() && deliveries.empty() && !discovered;
    }
    std::size_t size() const {
        return clusters.size() + events.size() + deliveries.size() + (discovered ? 1 : 0);
    }
    void clear();

    // While degraded: drops the oldest events beyond `limit` (they were delivered from
    // memory; only their record is lost). Returns how many were dropped.
    std::size_t trim_events(std::size_t limit);
};

}  // namespace sesmon::state
