#pragma once
// simulator: the whole of ses-upgrade-sim behind one http_server handler — the NAVER Cloud
// API (api_service), the webhook sink, and the /_sim control endpoints (docs/simulator.md).
// Owns the scenario, the virtual clock and the fault engine. Single-threaded: everything
// runs on the executor it is given; the simulator must outlive the server using handler().
#include <boost/asio/any_io_executor.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "net/http_server.hpp"
#include "sim/api_service.hpp"
#include "sim/fault.hpp"
#include "sim/opensearch_service.hpp"
#include "sim/scenario.hpp"
#include "sim/sens_service.hpp"
#include "sim/service_log.hpp"
#include "sim/sim_time.hpp"
#include "sim/teams_service.hpp"
#include "sim/webhook_sink.hpp"
#include "sim/works_service.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::sim {

struct simulator_options {
    double time_scale = 1.0;  // virtual seconds per real second; 0 freezes time
    std::optional<gateway_credentials> credentials;  // empty: no signature checks
    bool webhook_sink = false;
    std::map<std::string, std::string> hook_secrets;  // sink name → secret
    // The notification services (docs/simulator.md "Notification services"): NAVER WORKS,
    // Teams and SENS, on when `notify_services`.
    bool notify_services = false;
    works_options works;
    std::string teams_signature;
    sens_options sens;
};

class simulator {
  public:
    simulator(scenario s, simulator_options options, const sesmon::clock& real,
              boost::asio::any_io_executor executor, std::shared_ptr<spdlog::logger> logger);
    simulator(const simulator&) = delete;
    simulator& operator=(const simulator&) = delete;

    boost::asio::awaitable<net::server_response> handle(net::server_request req);
    // A handler for http_server that calls handle() on this simulator.
    net::server_handler handler();

    virtual_clock& clock() { return vclock_; }
    const scenario& current_scenario() const { return scenario_; }

    // Starts the OpenSearch endpoints of the clusters that have one (opensearch_service.hpp),
    // on `api_server`'s host and TLS settings; stop_opensearch() stops them.
    void start_opensearch(const net::http_server_options& api_server);
    void stop_opensearch() { opensearch_.stop(); }
    const opensearch_service& opensearch() const { return opensearch_; }

  private:
    net::server_response control(const net::server_request& req);
    net::server_response set_faults(const net::server_request& req);
    // The notification services' route for `path`, when it is one of theirs.
    std::optional<net::server_response> notify_service(const net::server_request& req);

    scenario scenario_;
    simulator_options options_;
    const sesmon::clock& real_;
    boost::asio::any_io_executor executor_;
    std::shared_ptr<spdlog::logger> logger_;
    virtual_clock vclock_;
    fault_engine faults_;
    opensearch_service opensearch_;
    api_service api_;
    std::optional<webhook_sink> sink_;
    service_log services_;
    std::optional<works_service> works_;
    std::optional<teams_service> teams_;
    std::optional<sens_service> sens_;
};

}  // namespace sesmon::sim
