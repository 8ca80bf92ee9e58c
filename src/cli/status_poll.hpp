#pragma once
// Polls a set of clusters once, concurrently, with at most `max_in_flight` requests
// outstanding — the data half of `ses-upgrade-monitor status`.
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <functional>
#include <vector>

#include "cli/status_view.hpp"
#include "sesmon/progress_source.hpp"

namespace sesmon::cli {

// Called with each answer as it arrives (the index into `clusters`), on the thread running
// `io`: work done here overlaps the requests still in flight. What it throws is ignored.
using answer_handler = std::function<void(std::size_t, const progress_result&)>;

// Runs `io` until every cluster has an answer; results come back in the order of
// `clusters`. An exception escaping the source becomes that cluster's api_error (network).
std::vector<cluster_status> poll_all(boost::asio::io_context& io, progress_source& source,
                                     const std::vector<cluster_config>& clusters, int max_in_flight,
                                     const answer_handler& on_answer = {});

}  // namespace sesmon::cli
