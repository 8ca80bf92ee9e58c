#include "notify/teams_notifier.hpp"

#include <stdexcept>

#include "notify/format_teams.hpp"
#include "notify/service_reply.hpp"
#include "sesmon/version.hpp"

namespace sesmon::notify {

teams_notifier::teams_notifier(notifier_config config, http_client& client, sesmon::clock& clock)
    : config_(std::move(config)), client_(client), clock_(clock) {
    if (config_.url.empty())
        throw std::invalid_argument("notifier '" + config_.name + "': teams without url");
}

boost::asio::awaitable<http_result> teams_notifier::send(http_request request,
                                                         const delivery_context& context) {
    // The deadline is on the steady clock that the HTTP client times requests with.
    request.timeout = context.budget(config_.timeout, std::chrono::steady_clock::now());
    co_return co_await client_.send(std::move(request));
}

boost::asio::awaitable<delivery_outcome> teams_notifier::deliver(const event& e,
                                                                 const delivery_context& context) {
    if (auto refused = refused_by(context, std::chrono::steady_clock::now()))
        co_return *refused;
    const steady_time began = clock_.steady_now();
    http_request request;
    request.method = "POST";
    request.url = config_.url.reveal();
    request.headers = {{"Content-Type", "application/json"},
                       {"User-Agent", std::string("ses-upgrade-monitor/") + version}};
    request.body =
        format_teams(e, text_options_of(config_), dashboard_link(config_.dashboard_url, e));
    const http_result result = co_await send(std::move(request), context);
    delivery_outcome outcome = classify_service_result(result, clock_.wall_now());
    outcome.latency = std::chrono::duration_cast<duration>(clock_.steady_now() - began);
    co_return outcome;
}

}  // namespace sesmon::notify
