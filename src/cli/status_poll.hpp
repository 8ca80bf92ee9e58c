#pragma once
// Polls a set of clusters once, concurrently, with at most `max_in_flight` requests
// outstanding — the data half of `ses-upgrade-monitor status`.
#include <boost/asio/io_context.hpp>
#include <vector>

#include "cli/status_view.hpp"
#include "sesmon/progress_source.hpp"

namespace sesmon::cli {

// Runs `io` until every cluster has an answer; results come back in the order of
// `clusters`. An exception escaping the source becomes that cluster's api_error (network).
std::vector<cluster_status> poll_all(boost::asio::io_context& io, progress_source& source,
                                     const std::vector<cluster_config>& clusters,
                                     int max_in_flight);

}  // namespace sesmon::cli
