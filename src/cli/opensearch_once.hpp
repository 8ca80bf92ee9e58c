#pragma once
// One read of the OpenSearch view (SPEC §16) of every given cluster that has an `opensearch`
// section, for `status`: one after another (each bounded by its requests' deadlines), every
// failure a value (the view then says why it is unavailable).
#include <boost/asio/io_context.hpp>
#include <optional>
#include <vector>

#include "sesmon/cluster_details.hpp"
#include "sesmon/config.hpp"
#include "sesmon/opensearch.hpp"

namespace sesmon::cli {

// Runs `io` until done. Results in the order of `clusters`; nullopt for a cluster without
// the section.
std::vector<std::optional<cluster_view_state>> read_views_once(
    boost::asio::io_context& io, cluster_details_source& details,
    const std::vector<cluster_config>& clusters, duration timeout, wall_time now);

}  // namespace sesmon::cli
