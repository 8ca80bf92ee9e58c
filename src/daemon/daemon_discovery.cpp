// daemon: the wiring of discovery (SPEC §10). discovery_runtime decides; these start and
// stop the clusters it finds through the same path as a reload, keeping config_.clusters
// the list of every watched cluster (static and discovered), which load_and_start_cluster
// checks when the stored state arrives.
#include <algorithm>

#include "daemon/daemon.hpp"
#include "daemon/ha_member.hpp"

namespace sesmon::daemon {

std::unique_ptr<discovery_runtime> daemon::make_discovery(
    const std::vector<state::discovered_record>& stored) {
    // In a group, listings are the leader's: they pass the election's gate like polls.
    cluster_list_source* source =
        ha_ ? &ha_->list_source(*source_) : static_cast<cluster_list_source*>(source_.get());
    return std::make_unique<discovery_runtime>(
        discovery_deps{io_.get_executor(), source, limiter_.get(), &metrics_, store_.get(),
                       logger_},
        stored,
        discovery_hooks{
            [this](const cluster_config& c) { start_discovered(c); },
            [this](const std::string& name, std::string_view why) { stop_discovered(name, why); },
            [this] { first_listing_done(); }});
}

void daemon::start_discovered(const cluster_config& c) {
    if (stopping_)
        return;
    config_.clusters.push_back(c);
    load_and_start_cluster(c);
}

void daemon::stop_discovered(const std::string& name, std::string_view why) {
    std::erase_if(config_.clusters, [&](const cluster_config& c) { return c.name == name; });
    stop_cluster(name, why);
}

}  // namespace sesmon::daemon
