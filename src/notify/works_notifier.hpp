#pragma once
// works_notifier (`type: naver_works`): NAVER WORKS (LINE WORKS) Bot API 2.0. One attempt:
// a token from works_token (cached; exchanged when missing or near expiry), then
//   POST {api_url}/bots/{botId}/channels/{channelId}/messages   (or /users/{userId}/messages)
// with `Authorization: Bearer <token>` and format_works' body. 201 (any 2xx) is delivered.
// A 401 means the token is no good (revoked, expired early): it is dropped and the message
// sent once more with a new one in the same attempt; a second 401 is dead, like every other
// refusal (400, 403, 404; a token request refused with 400/401) — with the service's reason.
// 429 and 5xx are retried, after Retry-After or NAVER WORKS' rateLimit-reset when given.
#include <memory>
#include <string>

#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

class works_token;

// {api_url}/bots/{botId}/channels/{channelId}/messages or .../users/{userId}/messages.
std::string works_message_url(const sesmon::naver_works_config& config);

class works_notifier final : public sesmon::notifier {
  public:
    // Throws std::invalid_argument for an incomplete configuration. `client` and `clock`
    // must outlive it.
    works_notifier(sesmon::notifier_config config, sesmon::http_client& client,
                   sesmon::clock& clock);
    ~works_notifier() override;
    std::string_view name() const override { return config_.name; }
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(
        const sesmon::event& e, const sesmon::delivery_context& context) override;

  private:
    // Every request of this notifier (token and message) goes through here: it sets the
    // request's timeout, cut to end by the attempt's deadline. The token exchange, shared by
    // concurrent attempts and sent to the auth server rather than the receiver, runs
    // unbounded; the message after it is checked against the attempt's bounds again.
    boost::asio::awaitable<sesmon::http_result> send(sesmon::http_request request,
                                                     const sesmon::delivery_context& context);
    boost::asio::awaitable<sesmon::delivery_outcome> post_message(
        const std::string& body, bool may_renew, const sesmon::delivery_context& context);

    sesmon::notifier_config config_;
    sesmon::http_client& client_;
    sesmon::clock& clock_;
    std::unique_ptr<works_token> token_;
};

}  // namespace sesmon::notify
