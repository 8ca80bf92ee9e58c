#pragma once
// webhook_sink: a webhook receiver for tests and demos (`--webhook-sink`). Accepts
// POST /hooks/<name>, verifies Standard Webhooks signatures for names it has a secret for,
// can be told to fail for a window of virtual time, and remembers the last `capacity`
// deliveries. Single-threaded, like the rest of the simulator.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "net/http_server.hpp"
#include "sesmon/clock.hpp"
#include "sim/sim_time.hpp"

namespace sesmon::sim {

// Checks a `webhook-signature` header ("v1,<base64>" entries, space separated) against
// HMAC-SHA256(secret, id + "." + timestamp + "." + body). A secret "whsec_<base64>" is
// decoded first; any other secret is used as its bytes.
bool verify_standard_webhook(std::string_view secret, std::string_view id,
                             std::string_view timestamp, std::string_view body,
                             std::string_view signature_header);

struct received_hook {
    std::string name;
    sesmon::http_headers headers;
    std::string body;
    wall_time received_at{};              // real time
    long long received_at_ms = 0;         // the system clock's Unix ms (harnesses order by it)
    wall_time virtual_at{};               // virtual time
    std::optional<bool> signature_valid;  // nullopt: no secret for this name
    int status = 0;                       // the status answered; 0 = connection refused
};

class webhook_sink {
  public:
    webhook_sink(std::map<std::string, std::string> secrets, virtual_clock& vclock,
                 const sesmon::clock& real, std::size_t capacity = 10000);

    // POST /hooks/<name>. `executor` runs the delay of the "slow" failure mode.
    boost::asio::awaitable<net::server_response> receive(net::server_request req,
                                                         boost::asio::any_io_executor executor);
    // GET /_sim/hooks[?name=N]: JSON array of received hooks, oldest first.
    std::string list_json(const std::optional<std::string>& name) const;
    // POST /_sim/hooks/fail with {"name","mode","retry_after","seconds","delay"}; returns an
    // error message or "" on success.
    std::string set_failure(const std::string& json_body);
    // DELETE /_sim/hooks: forget received hooks and failures.
    void clear();

    std::size_t size() const { return received_.size(); }

  private:
    struct failure {
        std::string mode;  // refuse, 503, 429, slow, 400
        std::optional<int> retry_after;
        wall_time until{};  // virtual
        duration delay{};   // slow: real delay before answering
    };
    const failure* active_failure(const std::string& name) const;
    void record(received_hook hook);

    std::map<std::string, std::string> secrets_;
    virtual_clock& vclock_;
    const sesmon::clock& real_;
    std::size_t capacity_;
    std::deque<received_hook> received_;
    std::map<std::string, failure> failures_;  // by name; "*" for every name
};

}  // namespace sesmon::sim
