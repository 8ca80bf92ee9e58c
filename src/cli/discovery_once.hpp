#pragma once
// One reading of the cluster list for the operator commands (`discover`, and `status` when
// discovery is on): every page of every region in discovery.regions, through the given
// client, within api.max_in_flight and api.max_requests_per_second.
#include <boost/asio/io_context.hpp>

#include "discovery/listing.hpp"
#include "sesmon/cluster_list.hpp"
#include "sesmon/config.hpp"

namespace sesmon::cli {

// Runs `io` until the listing is complete or failed.
discovery::listing_result list_clusters_once(boost::asio::io_context& io, cluster_list_source& api,
                                             const sesmon::config& cfg);

// The discovered clusters a daemon starting now would watch, from one complete listing.
std::vector<cluster_config> discovered_now(const discovery::listing& complete,
                                           const sesmon::config& cfg);

}  // namespace sesmon::cli
