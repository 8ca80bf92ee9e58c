#pragma once
// addresses: where a cluster's OpenSearch view is read from (SPEC §16) — the configured
// url, or (`from_api: true`) every node's private address from getClusterNodeList with the
// port, and the user name unless one is configured, from getClusterInfo. Shared by the
// daemon's watch and `preflight`.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "opensearch/reader.hpp"
#include "sesmon/cluster_details.hpp"
#include "sesmon/config.hpp"

namespace sesmon::opensearch {

struct access_outcome {
    std::optional<access> found;
    std::string error;  // one line when !found
};

// The access for `config` (the url one needs no API call). `details` is only used with
// from_api; base URLs are https://<private ip>:<port>, without duplicates.
boost::asio::awaitable<access_outcome> find_access(cluster_details_source& details,
                                                   cluster_target target,
                                                   const opensearch_config& config,
                                                   duration timeout);

}  // namespace sesmon::opensearch
