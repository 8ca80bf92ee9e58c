#pragma once
// NAVER Cloud SENS as the simulator plays it (ncp-api.md "Notifications"), behind the
// gateway's signature v2 check (with the configured SENS keys, on the services' clock):
//   POST /sms/v2/services/{serviceId}/messages — type SMS (content ≤ 80 bytes), LMS
//        (≤ 2,000, subject ≤ 40) or MMS, counting a non-ASCII character as two bytes;
//        contentType COMM or AD; `from` one of the registered numbers (when any are
//        configured); messages[].to digits → 202 {requestId, requestTime, statusCode,
//        statusName}.
//   POST /mail/v2/services/{serviceId}/requests and the Outbound Mailer's /api/v1/mails —
//        senderAddress, title (≤ 500 bytes), body (≤ 500 KB), recipients[] {address, type
//        R|C|B} → 201 {requestId, count}.
// Refusals: 401 with the gateway's error (signature), 400 {"status": 400, "errorMessage"}.
#include <optional>
#include <string>
#include <vector>

#include "net/http_server.hpp"
#include "sim/gateway.hpp"
#include "sim/service_log.hpp"

namespace sesmon::sim {

struct sens_options {
    std::optional<gateway_credentials> credentials;  // none: no signature check
    std::vector<std::string> senders;                // registered numbers; none: any
};

class sens_service {
  public:
    sens_service(sens_options options, service_log& log);
    static bool handles(std::string_view path);
    net::server_response handle(const net::server_request& req);

  private:
    net::server_response sms(const net::server_request& req);
    net::server_response mail(const net::server_request& req);

    sens_options options_;
    service_log& log_;
    unsigned long long requests_ = 0;
};

// SENS' byte count: ASCII one, any other character two.
std::size_t sens_bytes(std::string_view text);

}  // namespace sesmon::sim
