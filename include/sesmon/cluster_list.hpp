#pragma once
// cluster_list: one page of getClusterInfoList (ncp-api.md "Cluster list"), as values, and
// where pages come from. ncp::client implements cluster_list_source against the real (or
// simulated) API; discovery reads every page of every region through it.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/api_error.hpp"

namespace sesmon {

// One cluster of a listing. Every field is optional in the API; missing ones are "".
struct listed_cluster {
    std::string instance_no;     // serviceGroupInstanceNo (string or number on the wire)
    std::string name;            // clusterName
    std::string status;          // clusterStatus: creating, changing, running, error, ...
    std::string engine_status;   // searchEngineStatus: green, yellow, ...
    std::string engine_version;  // searchEngineVersion, a display string
    friend bool operator==(const listed_cluster&, const listed_cluster&) = default;
};

// One page. Paging fields the API left out are nullopt.
struct cluster_list_page {
    std::optional<long long> current_page;
    std::optional<long long> total_page;
    std::optional<long long> total_count;
    std::optional<bool> is_last;
    std::vector<listed_cluster> allowed;     // allowedClusters[]
    std::vector<listed_cluster> disallowed;  // disallowedClusters[]: the keys may not see them
};

using cluster_list_result = boost::system::result<cluster_list_page, api_error>;

class cluster_list_source {
  public:
    virtual ~cluster_list_source() = default;
    // One signed GET getClusterInfoList?pageNo=page_no&pageSize=page_size of `region`
    // ("" = api.region). Never throws for API, network or parse failures.
    virtual boost::asio::awaitable<cluster_list_result> fetch_cluster_page(std::string region,
                                                                           int page_no,
                                                                           int page_size) = 0;
};

}  // namespace sesmon
