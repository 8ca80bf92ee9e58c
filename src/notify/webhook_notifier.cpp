#include "notify/webhook_notifier.hpp"

#include <stdexcept>

#include "common/crypto.hpp"
#include "notify/format_generic.hpp"
#include "notify/format_pagerduty.hpp"
#include "notify/format_slack.hpp"
#include "notify/message_text.hpp"
#include "notify/retry_policy.hpp"
#include "notify/signing.hpp"
#include "sesmon/version.hpp"

namespace sesmon::notify {

std::vector<std::string> webhook_bodies(const notifier_config& config, const event& e) {
    const text_options options = text_options_of(config);
    switch (config.format) {
        case webhook_format::generic:
            return {format_generic(with_localized_summary(e, options))};
        case webhook_format::slack:
            return {format_slack(e, options)};
        case webhook_format::pagerduty:
            return format_pagerduty(with_localized_summary(e, options),
                                    config.routing_key ? config.routing_key->reveal() : "");
    }
    return {};
}

http_request webhook_request(const notifier_config& config,
                             const std::optional<std::string>& signing_key, const event& e,
                             std::string body, wall_time now) {
    http_request request;
    request.method = "POST";
    request.url = config.url.reveal();
    request.timeout = config.timeout;
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("User-Agent", std::string("ses-upgrade-monitor/") + version);
    const long long unix_seconds = now.time_since_epoch().count();
    for (auto& header : standard_webhook_headers(e.id, unix_seconds, body, signing_key)) {
        request.headers.push_back(std::move(header));
    }
    for (const auto& header : config.headers) {
        request.headers.push_back(header);
    }
    request.body = std::move(body);
    return request;
}

webhook_notifier::webhook_notifier(notifier_config config, http_client& client,
                                   sesmon::clock& clock)
    : config_(std::move(config)), client_(client), clock_(clock) {
    if (config_.url.empty()) {
        throw std::invalid_argument("notifier '" + config_.name + "': webhook without url");
    }
    if (config_.signing_secret && !config_.signing_secret->empty()) {
        signing_key_ = common::webhook_signing_key(config_.signing_secret->reveal());
        if (!signing_key_) {
            throw std::invalid_argument("notifier '" + config_.name +
                                        "': signing secret starts with whsec_ but the rest is "
                                        "not Base64 (" +
                                        config_.signing_secret->origin() + ")");
        }
    }
    if (config_.format == webhook_format::pagerduty &&
        (!config_.routing_key || config_.routing_key->empty())) {
        throw std::invalid_argument("notifier '" + config_.name +
                                    "': format pagerduty needs a routing key");
    }
}

boost::asio::awaitable<delivery_outcome> webhook_notifier::deliver(
    const event& e, const delivery_context& context) {
    auto bodies = webhook_bodies(config_, e);
    if (bodies.empty()) {
        delivery_outcome skipped;
        skipped.detail = "not sent: format does not carry " + std::string(to_string(e.type));
        co_return skipped;
    }
    const steady_time began = clock_.steady_now();
    delivery_outcome outcome;
    const std::string count = std::to_string(bodies.size());
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        // The deadline is on the steady clock that the HTTP client times requests with.
        const steady_time now = std::chrono::steady_clock::now();
        if (auto refused = context.refusal(now); !refused.empty()) {
            outcome.result = delivery_outcome::kind::retry;
            outcome.detail = std::move(refused);
        } else {
            http_request request =
                webhook_request(config_, signing_key_, e, std::move(bodies[i]), clock_.wall_now());
            request.timeout = context.budget(config_.timeout, now);
            const bool cut_short = request.timeout < config_.timeout;
            http_result result = co_await client_.send(std::move(request));
            outcome = classify_http_result(result, clock_.wall_now());
            if (cut_short && !result && result.error().kind == http_error_kind::timeout)
                outcome.detail += " (cut at the attempt's deadline, before the notifier's timeout)";
        }
        if (outcome.result != delivery_outcome::kind::delivered) {
            // The whole event is retried (or dead-lettered) as one.
            if (bodies.size() > 1) {
                outcome.detail =
                    "message " + std::to_string(i + 1) + " of " + count + ": " + outcome.detail;
            }
            break;
        }
        if (i + 1 == bodies.size() && bodies.size() > 1) {
            outcome.detail += " (" + count + " messages)";
        }
    }
    outcome.latency = std::chrono::duration_cast<duration>(clock_.steady_now() - began);
    co_return outcome;
}

}  // namespace sesmon::notify
