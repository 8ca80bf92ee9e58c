#pragma once
// A Microsoft Teams workflow ("When a Teams webhook request is received") as the simulator
// plays it: POST /teams/<anything>. With a configured signature, the query's `sig` must
// equal it (else 401 DirectApiAuthorizationRequired). A body over 28 KB is 413
// RequestEntityTooLarge; a body that is not {"type": "message", "attachments": [{
// "contentType": "application/vnd.microsoft.card.adaptive", "content": {"type":
// "AdaptiveCard", "version": "1.2" or later, "body": [...]}}]} is 400 InvalidRequestContent;
// anything else 202. Errors have Teams' shape {"error": {"code", "message"}}.
#include <string>

#include "net/http_server.hpp"
#include "sim/service_log.hpp"

namespace sesmon::sim {

class teams_service {
  public:
    // `signature` "" accepts any (or no) sig.
    teams_service(std::string signature, service_log& log);
    static bool handles(std::string_view path) { return path.starts_with("/teams/"); }
    net::server_response handle(const net::server_request& req);

  private:
    net::server_response check(const net::server_request& req) const;

    std::string signature_;
    service_log& log_;
};

// "" when `body` is a Teams workflow message with an Adaptive Card 1.2+; else what is wrong.
std::string adaptive_card_problem(std::string_view body);

}  // namespace sesmon::sim
