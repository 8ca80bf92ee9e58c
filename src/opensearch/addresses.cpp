#include "opensearch/addresses.hpp"

#include <algorithm>

namespace sesmon::opensearch {

boost::asio::awaitable<access_outcome> find_access(cluster_details_source& details,
                                                   cluster_target target,
                                                   const opensearch_config& config,
                                                   duration timeout) {
    access_outcome out;
    access a;
    a.username = config.username;
    a.password = config.password;
    a.timeout = timeout;
    if (!config.from_api) {
        a.base_urls = {config.url};
        out.found = std::move(a);
        co_return out;
    }
    auto asking = details.fetch_cluster_info(target);
    auto info = co_await std::move(asking);
    if (!info) {
        out.error = "cannot ask getClusterInfo for the OpenSearch port: " + info.error().message;
        co_return out;
    }
    auto listing = details.fetch_node_addresses(target);
    auto nodes = co_await std::move(listing);
    if (!nodes) {
        out.error =
            "cannot ask getClusterNodeList for the node addresses: " + nodes.error().message;
        co_return out;
    }
    if (info->port.empty()) {
        out.error = "getClusterInfo names no searchEnginePort";
        co_return out;
    }
    for (const cluster_node_address& n : *nodes) {
        if (n.private_ip.empty())
            continue;
        const bool v6 = n.private_ip.find(':') != std::string::npos;
        std::string url =
            "https://" + (v6 ? "[" + n.private_ip + "]" : n.private_ip) + ":" + info->port;
        if (std::find(a.base_urls.begin(), a.base_urls.end(), url) == a.base_urls.end())
            a.base_urls.push_back(std::move(url));
    }
    if (a.base_urls.empty()) {
        out.error = "getClusterNodeList lists no private address";
        co_return out;
    }
    if (a.username.empty())
        a.username = info->user_name;
    out.found = std::move(a);
    co_return out;
}

}  // namespace sesmon::opensearch
