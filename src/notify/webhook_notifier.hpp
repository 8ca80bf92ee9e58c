#pragma once
// webhook_notifier (`type: webhook`): one POST per attempt through sesmon::http_client, with
// the body of the configured format, Standard Webhooks headers (webhook-id = event id,
// webhook-timestamp = attempt time, webhook-signature when a signing secret is set), the
// User-Agent, Content-Type and the configured extra headers. The HTTP status or transport
// error is classified by retry_policy. Redirects are not followed (3xx is a rejection).
#include <optional>
#include <string>

#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

// The body for `config.format`; nullopt when that format does not carry this event type
// (PagerDuty and node_changed, upgrade_started, upgrade_vanished).
std::optional<std::string> webhook_body(const sesmon::notifier_config& config,
                                        const sesmon::event& e);

// The complete request for one attempt at wall time `now` (pure: used by tests and docs).
// `signing_key` is the decoded key (signing.hpp), if any.
sesmon::http_request webhook_request(const sesmon::notifier_config& config,
                                     const std::optional<std::string>& signing_key,
                                     const sesmon::event& e, std::string body,
                                     sesmon::wall_time now);

class webhook_notifier final : public sesmon::notifier {
  public:
    // Throws std::invalid_argument without URL, with a bad whsec_ secret, or for pagerduty
    // without routing key. `client` and `clock` must outlive the notifier.
    webhook_notifier(sesmon::notifier_config config, sesmon::http_client& client,
                     sesmon::clock& clock);
    std::string_view name() const override { return config_.name; }
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(const sesmon::event& e) override;

  private:
    sesmon::notifier_config config_;
    std::optional<std::string> signing_key_;
    sesmon::http_client& client_;
    sesmon::clock& clock_;
};

}  // namespace sesmon::notify
