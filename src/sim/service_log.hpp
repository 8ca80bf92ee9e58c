#pragma once
// What the notification services of the simulator (works_service, teams_service,
// sens_service) share: failures injected through POST /_sim/services/fail, the record of
// what they received (GET /_sim/services), and the clock they judge tokens and timestamps
// by — the real wall clock plus whatever /_sim/advance added, like a gateway's clock that
// tests can move (time_scale, which plays the clusters faster, does not apply).
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.hpp"
#include "sesmon/clock.hpp"
#include "sim/sim_time.hpp"

namespace sesmon::sim {

struct service_record {
    std::string service;  // works_token, works_message, teams, sens_mail, sens_sms
    std::string path;     // without the query (a Teams URL's query is its secret)
    std::string body;     // as received (the token exchange's form is not kept: secrets)
    int status = 0;       // what was answered
    std::string detail;   // why a request was refused ("" when accepted)
    wall_time at{};       // service clock
};

// One injected failure: the next `count` requests to `service` answer `mode`.
struct service_failure {
    std::string mode;  // "429", "500", "503", "400", "401", "refuse"
    int count = 1;
    std::optional<int> retry_after;       // Retry-After: N
    std::optional<int> rate_limit_reset;  // rateLimit-reset: N (NAVER WORKS' 429)
};

class service_log {
  public:
    service_log(const virtual_clock& vclock, const sesmon::clock& real,
                std::size_t capacity = 10'000);

    // The services' clock: real wall time + virtual_clock::advanced().
    wall_time now() const;

    void record(service_record r);
    std::string list_json(const std::optional<std::string>& service) const;
    void clear();

    // POST /_sim/services/fail: "" on success, else why the body is refused.
    std::string add_failure(const std::string& json_body);
    // A failure due for `service` (consumed), as the response to send; nullopt otherwise.
    std::optional<net::server_response> take_failure(std::string_view service);

  private:
    const virtual_clock& vclock_;
    const sesmon::clock& real_;
    std::size_t capacity_;
    std::deque<service_record> records_;
    std::map<std::string, std::deque<service_failure>, std::less<>> failures_;
};

// A JSON error answer {"code": code, "description": text} (NAVER WORKS' shape) or any body.
net::server_response service_json(int status, std::string body);

}  // namespace sesmon::sim
