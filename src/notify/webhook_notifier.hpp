#pragma once
// webhook_notifier (`type: webhook`): one POST per attempt through sesmon::http_client (for
// pagerduty, one per message of format_pagerduty.hpp: an attempt succeeds only when all of
// them were accepted, and a retry sends them all again), with the body of the configured
// format, Standard Webhooks headers (webhook-id = event id,
// webhook-timestamp = attempt time, webhook-signature when a signing secret is set), the
// User-Agent, Content-Type and the configured extra headers. The HTTP status or transport
// error is classified by retry_policy. Redirects are not followed (3xx is a rejection).
// The delivery context bounds the attempt: each POST's timeout is cut to end by its deadline,
// and before each POST (every pagerduty message) it asks whether one may start.
#include <optional>
#include <string>
#include <vector>

#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

// The request bodies for `config.format`, in sending order: one for generic and slack; for
// pagerduty one per message, none for the types it does not carry (node_changed,
// upgrade_started).
std::vector<std::string> webhook_bodies(const sesmon::notifier_config& config,
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
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(
        const sesmon::event& e, const sesmon::delivery_context& context) override;

  private:
    sesmon::notifier_config config_;
    std::optional<std::string> signing_key_;
    sesmon::http_client& client_;
    sesmon::clock& clock_;
};

}  // namespace sesmon::notify
