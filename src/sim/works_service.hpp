#pragma once
// The NAVER WORKS Bot API 2.0 as the simulator plays it (ncp-api.md "Notifications"):
//   POST /oauth2/v2.0/token — a service account's JWT exchanged for an access token. Checks
//        grant_type, scope (must include bot), client_id and client_secret, and the JWT:
//        RS256 signature against the configured public key, iss = client id, sub set,
//        exp in the future, iat not ahead of the clock by more than 60 s, exp - iat ≤ 60 min.
//        Refusals: 400 invalid_request / invalid_grant, 401 invalid_client (OAuth's shape,
//        {"error", "error_description"}). Tokens live `token_ttl` on the services' clock.
//   POST /v1.0/bots/{botId}/channels/{channelId}/messages, .../users/{userId}/messages —
//        needs a live Bearer token (else 401 UNAUTHORIZED); the body must be {"content":
//        {"type": "text", "text": ≤ 2,000 characters}} or {"content": {"type": "flex",
//        "altText": ≤ 400 characters, "contents": {bubble or carousel}}} (else 400
//        INVALID_PARAMETER); 201 otherwise.
// Injected failures (service_log) apply to both routes, after the route is known.
#include <chrono>
#include <map>
#include <string>

#include "net/http_server.hpp"
#include "sim/service_log.hpp"

namespace sesmon::sim {

struct works_options {
    std::string public_key_pem;  // the service account's public key (PEM)
    std::string client_id;
    std::string client_secret;
    std::chrono::seconds token_ttl{86400};
};

class works_service {
  public:
    works_service(works_options options, service_log& log);
    static bool handles(std::string_view path);
    net::server_response handle(const net::server_request& req);

  private:
    net::server_response token(const net::server_request& req);
    net::server_response message(const net::server_request& req);
    // "" when the assertion is acceptable; else why not.
    std::string check_assertion(const std::string& assertion) const;

    works_options options_;
    service_log& log_;
    std::map<std::string, wall_time> tokens_;  // access token → expiry
    unsigned long long issued_ = 0;
};

// Percent-decoded application/x-www-form-urlencoded fields ('+' is a space).
std::map<std::string, std::string> parse_form(std::string_view body);

// Code points of UTF-8 text (invalid bytes count one each).
std::size_t code_points(std::string_view text);

}  // namespace sesmon::sim
