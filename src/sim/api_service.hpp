#pragma once
// api_service: the NAVER Cloud SES routes the simulator serves — gateway checks, the three
// cluster operations, and the faults chosen for each request. Per-request work is O(nodes
// of the cluster asked about) (clusters are indexed by instance_no), except the paged list.
#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/http_server.hpp"
#include "sesmon/clock.hpp"
#include "sim/fault.hpp"
#include "sim/gateway.hpp"
#include "sim/poll_log.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_time.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::sim {

// Service error codes of the simulator (the real service's are not documented).
inline constexpr int code_instance_required = 11001;
inline constexpr int code_region_required = 11002;
inline constexpr int code_region_mismatch = 11003;
inline constexpr int code_cluster_not_found = 11004;
inline constexpr int code_no_upgrade = 11005;
inline constexpr int code_cluster_not_allowed = 11006;
inline constexpr int code_target_version_required = 11007;

class opensearch_service;

// getClusterInfoList paging: the documented default page size, and the largest the
// simulator accepts (the real maximum is not published).
inline constexpr std::size_t default_list_page_size = 10;
inline constexpr std::size_t max_list_page_size = 1000;

class api_service {
  public:
    // References must outlive the service. `credentials` empty: no auth checks.
    // `opensearch` (may be null): the clusters' own endpoints, for getClusterInfo's port,
    // getClusterNodeList's addresses and the pre-check's snapshot.
    api_service(const scenario& s, virtual_clock& vclock, const sesmon::clock& real,
                fault_engine& faults, std::optional<gateway_credentials> credentials,
                std::shared_ptr<spdlog::logger> logger,
                const opensearch_service* opensearch = nullptr);

    // True when `path` is under one of the API prefixes ("/api/v2", "/api/sgn-v2", ...).
    static bool is_api_path(std::string_view path);
    net::server_response handle(const net::server_request& req);

    const cluster_spec* find(const std::string& instance_no) const;
    // Every authenticated progress request, by cluster (GET /_sim/polls).
    poll_log& polls() { return polls_; }

  private:
    // The cluster `instance_no` as routes of `region` see it now, or the service error that
    // answers for it (unknown, another region's, not created yet or deleted, disallowed).
    const cluster_spec* lookup(const std::string& instance_no, const std::string& region,
                               const std::string& request_id, net::server_response& refusal);
    net::server_response progress(const net::server_request& req, const std::string& region,
                                  const std::string& request_id);
    net::server_response info(const std::string& instance_no, const std::string& region,
                              const std::string& request_id);
    net::server_response list(const net::server_request& req, const std::string& region,
                              const std::string& request_id);
    net::server_response node_list(const std::string& instance_no, const std::string& region,
                                   const std::string& request_id);
    net::server_response precheck(const rapidjson::Document& body, const std::string& region,
                                  const std::string& request_id);
    // The pre-check's reason to refuse an upgrade of `c` to `target` now, "" when none.
    std::string precheck_refusal(const cluster_spec& c, const std::string& target) const;
    net::server_response apply_fault(const fault_spec& f, net::server_response normal,
                                     const std::string& request_id);

    const scenario& scenario_;
    virtual_clock& vclock_;
    const sesmon::clock& real_;
    fault_engine& faults_;
    std::optional<gateway_credentials> credentials_;
    std::shared_ptr<spdlog::logger> logger_;
    const opensearch_service* opensearch_;
    std::unordered_map<std::string, std::size_t> by_instance_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_region_;
    std::mt19937_64 ids_;
    poll_log polls_;
};

}  // namespace sesmon::sim
