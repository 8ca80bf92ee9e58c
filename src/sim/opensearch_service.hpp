#pragma once
// opensearch_service: the simulated clusters' own OpenSearch endpoints (SPEC §16). Every
// cluster of the scenario with an `opensearch:` section gets a listener of its own (on the
// simulator's host, port 0, the simulator's TLS) serving `_cluster/health`, `_cat/nodes`,
// `_cat/recovery`, `_cat/snapshots` and `_snapshot/_all/_all` as opensearch_play says at the
// current virtual time, behind Basic authentication when the scenario names a user. The
// runtime control `POST /_sim/opensearch` changes what a cluster shows (docs/simulator.md).
// Single-threaded, on the simulator's executor; must outlive its listeners' coroutines.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "net/http_server.hpp"
#include "sim/opensearch_play.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_time.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::sim {

class opensearch_service {
  public:
    opensearch_service(const scenario& s, virtual_clock& vclock,
                       std::shared_ptr<spdlog::logger> logger);
    ~opensearch_service();
    opensearch_service(const opensearch_service&) = delete;
    opensearch_service& operator=(const opensearch_service&) = delete;

    // Starts one listener per cluster with an `opensearch:` section, on `base.listen`'s host
    // (port 0) and with its TLS settings. Throws like http_server::start.
    void start(boost::asio::any_io_executor executor, const net::http_server_options& base);
    void stop();

    // The port of a cluster's endpoint; 0 when it has none (or before start).
    unsigned short port_of(const std::string& instance_no) const;
    // "https" or "http", as the listeners serve, and the host they listen on.
    std::string scheme() const { return scheme_; }
    std::string host() const { return host_; }

    // What a cluster's endpoint shows now (also for the API's pre-check: its snapshot);
    // nullopt for a cluster without one.
    std::optional<opensearch_state> state_of(const cluster_spec& c) const;

    // POST /_sim/opensearch: {"cluster": instance_no, "health": "red"|"auto",
    // "unreachable": bool, "recovery": "stuck"|"moving", "snapshot": "fresh"|"none"|time}.
    // Returns "" or an error message.
    std::string control(const std::string& body);

    // One request to `c`'s endpoint.
    net::server_response handle(const cluster_spec& c, const net::server_request& req);

    // How many requests for `path` (e.g. "/_cluster/health") `c`'s endpoint has received,
    // refused and reset ones included: tests wait on these instead of sleeping.
    std::uint64_t requests_of(const std::string& instance_no, const std::string& path) const;

  private:
    boost::asio::awaitable<net::server_response> serve(const cluster_spec* c,
                                                       net::server_request req);

    const scenario& scenario_;
    virtual_clock& vclock_;
    std::shared_ptr<spdlog::logger> logger_;
    std::map<std::string, opensearch_overrides> overrides_;  // by instance_no
    // By instance_no, then path; only the paths served (the map stays small).
    std::map<std::string, std::map<std::string, std::uint64_t, std::less<>>> requests_;
    std::map<std::string, std::unique_ptr<net::http_server>> servers_;
    std::string scheme_ = "http";
    std::string host_ = "127.0.0.1";
};

}  // namespace sesmon::sim
