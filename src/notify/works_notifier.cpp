#include "notify/works_notifier.hpp"

#include <stdexcept>

#include "notify/format_works.hpp"
#include "notify/service_reply.hpp"
#include "notify/works_token.hpp"
#include "sesmon/version.hpp"

namespace sesmon::notify {

std::string works_message_url(const naver_works_config& config) {
    const std::string bot = config.api_url + "/bots/" + config.bot_id;
    return config.channel_id.empty() ? bot + "/users/" + config.user_id + "/messages"
                                     : bot + "/channels/" + config.channel_id + "/messages";
}

works_notifier::works_notifier(notifier_config config, http_client& client, sesmon::clock& clock)
    : config_(std::move(config)), client_(client), clock_(clock) {
    const naver_works_config& w = config_.works;
    if (w.bot_id.empty() || w.client_id.empty() || w.service_account.empty() ||
        w.client_secret.empty() || w.private_key.empty() ||
        w.channel_id.empty() == w.user_id.empty()) {
        throw std::invalid_argument("notifier '" + config_.name +
                                    "': naver_works needs bot_id, channel_id or user_id, "
                                    "client_id, service_account, client secret and private key");
    }
    token_ = std::make_unique<works_token>(
        config_.works,
        [this](http_request request) {
            static const delivery_context unbounded;
            return send(std::move(request), unbounded);
        },
        clock_);
}

works_notifier::~works_notifier() = default;

boost::asio::awaitable<http_result> works_notifier::send(http_request request,
                                                         const delivery_context& context) {
    // The deadline is on the steady clock that the HTTP client times requests with.
    request.timeout = context.budget(config_.timeout, std::chrono::steady_clock::now());
    co_return co_await client_.send(std::move(request));
}

boost::asio::awaitable<delivery_outcome> works_notifier::post_message(
    const std::string& body, bool may_renew, const delivery_context& context) {
    works_token::result token = co_await token_->get();
    if (!token.token)
        co_return token.failure;
    if (auto refused = refused_by(context, std::chrono::steady_clock::now()))
        co_return *refused;
    http_request request;
    request.method = "POST";
    request.url = works_message_url(config_.works);
    request.headers = {{"Content-Type", "application/json"},
                       {"User-Agent", std::string("ses-upgrade-monitor/") + version},
                       {"Authorization", "Bearer " + *token.token}};
    request.body = body;
    const http_result result = co_await send(std::move(request), context);
    if (result && result->status == 401) {
        token_->invalidate(*token.token);
        if (may_renew)
            co_return co_await post_message(body, false, context);
    }
    co_return classify_service_result(result, clock_.wall_now());
}

boost::asio::awaitable<delivery_outcome> works_notifier::deliver(const event& e,
                                                                 const delivery_context& context) {
    if (auto refused = refused_by(context, std::chrono::steady_clock::now()))
        co_return *refused;
    const steady_time began = clock_.steady_now();
    const std::string body =
        format_works(e, text_options_of(config_), dashboard_link(config_.dashboard_url, e));
    delivery_outcome outcome = co_await post_message(body, true, context);
    outcome.latency = std::chrono::duration_cast<duration>(clock_.steady_now() - began);
    co_return outcome;
}

}  // namespace sesmon::notify
