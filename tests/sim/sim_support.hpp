#pragma once
// Helpers for the simulator's tests: a blocking loopback HTTP(S) client that reports
// network failures as values, and a simulator running on its own thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "net/http_server.hpp"
#include "sesmon/clock.hpp"
#include "sim/simulator.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::sim::test {

std::shared_ptr<spdlog::logger> null_logger();

struct client_result {
    boost::system::error_code ec;  // connect/read/write failure; timed_out when no answer
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::chrono::milliseconds elapsed{};
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct client_call {
    std::string method = "GET";
    std::string target = "/";
    std::string body;
    sesmon::http_headers headers;
    std::chrono::milliseconds timeout{5000};
    boost::asio::ssl::context* tls = nullptr;  // TLS with this context (verifying) when set
};

// One request on a fresh connection to 127.0.0.1:port.
client_result exchange(unsigned short port, const client_call& call);

// A scenario from YAML text, started at `start`.
scenario scenario_from(const std::string& yaml, wall_time start);

// A simulator serving on 127.0.0.1:0 from a background thread.
class running_sim {
  public:
    running_sim(scenario s, simulator_options options = {},
                net::http_server_options server_options = {});
    ~running_sim();
    unsigned short port() const { return port_; }
    // The OpenSearch endpoint's port of a cluster with one (0 otherwise).
    unsigned short opensearch_port(const std::string& instance_no) const {
        return sim_->opensearch().port_of(instance_no);
    }
    // POST to an API route, signed when `access`/`secret` are given.
    client_result progress(const std::string& prefix, const std::string& body);
    client_result advance(long long seconds);

  private:
    boost::asio::io_context io_;
    sesmon::system_clock real_;
    std::unique_ptr<simulator> sim_;
    std::unique_ptr<net::http_server> server_;
    unsigned short port_ = 0;
    std::thread thread_;
};

// 2025-03-24 17:09:41 KST as a wall time.
wall_time kst(const char* text);

}  // namespace sesmon::sim::test
