#pragma once
// Faults the simulator can inject into API answers: what they are (fault_spec), how they
// are written down (set_fault_field, shared by the YAML scenario and POST /_sim/faults), and
// which one applies to a request (fault_engine).
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/time.hpp"

namespace sesmon::sim {

enum class fault_type {
    rate_limit,          // 429 with errorCode 400/410/420, optional Retry-After
    gateway_error,       // 500/503/504 with the gateway's errorCode
    service_error,       // envelope with code != 0 (HTTP 200 by default)
    timeout,             // read the request, never answer
    reset,               // close the connection (RST) without answering
    truncate,            // Content-Length of the full body, half of it sent
    invalid_json,        // 200 with a body that is not JSON
    slow,                // the real body, dribbled out in small chunks
    oversize,            // a 200 body over 10 MB
    wrong_content_type,  // the real body labelled text/html
};

enum class route_kind {
    any,
    progress,
    cluster_info,
    cluster_list,
    node_list,     // getClusterNodeList
    version_list,  // getSearchEngineVersionList
    precheck,      // rollingUpgradePreCheck
};

struct fault_spec {
    fault_type type = fault_type::gateway_error;
    double rate = 1.0;                     // probability per matching request
    std::optional<wall_time> from, until;  // virtual-time window [from, until)
    route_kind route = route_kind::any;
    std::string cluster;              // instance_no the fault is limited to; empty: any request
    std::optional<std::size_t> page;  // list requests of this pageNo only; empty: any request
    int http_status = 0;              // gateway_error: 500 (default), 503, 504; service_error: 200
    std::string error_code;           // overrides the errorCode in gateway bodies
    std::optional<int> retry_after;   // seconds (rate_limit, gateway_error)
    int service_code = 9999;          // service_error's `code`
    std::string message;              // service_error's / gateway's message
    duration slow_chunk_delay = std::chrono::milliseconds(200);  // slow: between 64-byte chunks
    std::optional<std::uint64_t> count;  // apply to this many requests only (runtime)
};

std::optional<fault_type> parse_fault_type(std::string_view text);
std::string_view to_string(fault_type type);

// Sets one field of `spec` from its textual value (`key` as documented in
// docs/simulator.md). `start` anchors time specs, `now` anchors "seconds". Returns an error
// message, or "" on success.
std::string set_fault_field(fault_spec& spec, std::string_view key, std::string_view value,
                            wall_time start, wall_time now);

// Chooses the fault for each request. Deterministic: draws from a generator seeded by the
// scenario, and only for specs with rate < 1. Not thread-safe.
class fault_engine {
  public:
    fault_engine(std::uint64_t seed, std::vector<fault_spec> global);

    // Faults added at run time (POST /_sim/faults) are consulted before the scenario's.
    void add_runtime(fault_spec spec);
    void clear_runtime();
    std::size_t runtime_count() const { return runtime_.size(); }

    // The fault for a request on `route` about `instance_no` ("" when none) at virtual time
    // `now`: runtime faults, then the cluster's own (`cluster_faults`), then global ones.
    // `page` is the pageNo of a cluster list request (faults with `page` match only those).
    std::optional<fault_spec> pick(route_kind route, const std::string& instance_no, wall_time now,
                                   const std::vector<fault_spec>* cluster_faults,
                                   std::optional<std::size_t> page = std::nullopt);

  private:
    bool matches(const fault_spec& f, route_kind route, const std::string& instance_no,
                 wall_time now, std::optional<std::size_t> page);

    std::mt19937_64 rng_;
    std::vector<fault_spec> global_;
    std::deque<fault_spec> runtime_;
};

}  // namespace sesmon::sim
