#pragma once
// One read of the OpenSearch view (SPEC §16) of every given cluster that has an `opensearch`
// section, for `status`: at most `max_in_flight` clusters at a time (each bounded by its
// requests' deadlines, so views that do not answer cost one deadline per worker, not one per
// cluster), every failure a value (the view then says why it is unavailable).
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
    const std::vector<cluster_config>& clusters, duration timeout, int max_in_flight,
    wall_time now);

}  // namespace sesmon::cli
