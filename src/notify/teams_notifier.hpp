#pragma once
// teams_notifier (`type: teams`): one POST of format_teams' card to the workflow's URL (a
// secret: it carries the signature `sig=`). Any host: Microsoft moved the workflow hosts in
// 2025, so there is no allow-list. The answer is classified as a webhook's (2xx, 408, 429,
// 5xx, other 4xx), with the service's reason in the detail.
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

class teams_notifier final : public sesmon::notifier {
  public:
    // Throws std::invalid_argument without URL. `client` and `clock` must outlive it.
    teams_notifier(sesmon::notifier_config config, sesmon::http_client& client,
                   sesmon::clock& clock);
    std::string_view name() const override { return config_.name; }
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(
        const sesmon::event& e, const sesmon::delivery_context& context) override;

  private:
    // Every request of this notifier goes through here: it sets the request's timeout, cut
    // to end by the attempt's deadline.
    boost::asio::awaitable<sesmon::http_result> send(sesmon::http_request request,
                                                     const sesmon::delivery_context& context);

    sesmon::notifier_config config_;
    sesmon::http_client& client_;
    sesmon::clock& clock_;
};

}  // namespace sesmon::notify
