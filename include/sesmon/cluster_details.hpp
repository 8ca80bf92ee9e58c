#pragma once
// cluster_details: the SES routes beyond progress and listing (ncp-api.md "More SES routes"):
// one cluster's details (getClusterInfo), its nodes' addresses (getClusterNodeList), the
// versions on offer (getSearchEngineVersionList) and the pre-check of an upgrade
// (rollingUpgradePreCheck). Values, and the source the daemon resolves `opensearch.from_api`
// through. ncp::client implements it; every field the documentation leaves open is "" when
// the answer does not carry it.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <vector>

#include "sesmon/api_error.hpp"
#include "sesmon/progress_source.hpp"

namespace sesmon {

struct cluster_details {
    std::string instance_no;
    std::string name;            // clusterName
    std::string status;          // clusterStatus: running, changing, error, ...
    std::string version_code;    // searchEngineVersionCode, e.g. "2140"
    std::string version_name;    // searchEngineVersion, a display string (may be "")
    std::string user_name;       // searchEngineUserName
    std::string port;            // searchEnginePort (text: the API sends a string)
    std::string dashboard_port;  // searchEngineDashboardPort
    friend bool operator==(const cluster_details&, const cluster_details&) = default;
};

struct cluster_node_address {
    std::string name;        // the node's server name, as the answer calls it
    std::string role;        // its role code, as given
    std::string private_ip;  // "" when the answer has none for it
    friend bool operator==(const cluster_node_address&, const cluster_node_address&) = default;
};

struct engine_version {
    std::string code;            // searchEngineVersionCode, e.g. "2150"
    std::string name;            // searchEngineVersionName, e.g. "OpenSearch 2.15.0"
    std::string dashboard_name;  // searchEngineDashboardVersionName
    std::string type;
    friend bool operator==(const engine_version&, const engine_version&) = default;
};

// The API's verdict on an upgrade to one version.
struct precheck_verdict {
    bool passed = false;
    std::string message;  // "SUCCESS", or why not (e.g. no snapshot from the last 6 hours)
    std::string code;     // the envelope's code ("0" when it passed)
    friend bool operator==(const precheck_verdict&, const precheck_verdict&) = default;
};

using cluster_details_result = boost::system::result<cluster_details, api_error>;
using node_addresses_result = boost::system::result<std::vector<cluster_node_address>, api_error>;
using version_list_result = boost::system::result<std::vector<engine_version>, api_error>;
// An api_error only when the question could not be asked or answered (network, gateway,
// auth, 5xx, garbage); a service answer refusing the upgrade is a verdict.
using precheck_result = boost::system::result<precheck_verdict, api_error>;

class cluster_details_source {
  public:
    virtual ~cluster_details_source() = default;
    // GET {prefix}/cluster/getClusterInfo/{instance_no}.
    virtual boost::asio::awaitable<cluster_details_result> fetch_cluster_info(
        cluster_target target) = 0;
    // GET {prefix}/cluster/getClusterNodeList/{instance_no}.
    virtual boost::asio::awaitable<node_addresses_result> fetch_node_addresses(
        cluster_target target) = 0;
};

}  // namespace sesmon
