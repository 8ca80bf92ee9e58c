#pragma once
// render: JSON text of what the API answers for a played cluster (the `result` objects) and
// of the simulator's own /_sim/state.
#include <string>
#include <vector>

#include "sim/player.hpp"
#include "sim/scenario.hpp"

namespace sesmon::sim {

// getRollingUpgradeProgress `result` for a view that shows an upgrade, or for the idle
// variants empty_list / missing_list / null_version.
std::string render_progress_result(const cluster_spec& c, const cluster_view& v);

class opensearch_service;

// getClusterInfo `result`; the OpenSearch port and user when the cluster has an endpoint
// (`os` may be null).
std::string render_cluster_info(const cluster_spec& c, const cluster_view& v,
                                const opensearch_service* os = nullptr);

// getClusterNodeList `result`: {"computeList": [{computeInstanceName, nodeRoleCode,
// privateIp}]}; the private address of a cluster with an endpoint is its listener's host.
std::string render_node_list(const cluster_spec& c, const opensearch_service* os);

// getSearchEngineVersionList `result`.
std::string render_version_list(const std::vector<std::string>& codes);

// getClusterInfoList `result` for one page of `clusters` (already played).
struct list_entry {
    const cluster_spec* spec;
    cluster_view view;
};
std::string render_cluster_list(const std::vector<list_entry>& page, std::size_t total,
                                std::size_t page_no, std::size_t page_size);

// /_sim/state: virtual time and every node of every cluster (and, with `os`, each cluster's
// OpenSearch endpoint and what it shows).
std::string render_state(const scenario& s, wall_time now, double time_scale,
                         const opensearch_service* os = nullptr);

}  // namespace sesmon::sim
