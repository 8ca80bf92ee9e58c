#include "notify/sens_notifier.hpp"

#include <stdexcept>

#include "common/json_writer.hpp"
#include "common/url.hpp"
#include "ncp/signer.hpp"
#include "notify/format_mail.hpp"
#include "notify/format_sms.hpp"
#include "notify/service_reply.hpp"
#include "sesmon/version.hpp"

namespace sesmon::notify {

namespace json = common::json;

namespace {

std::string mail_body(const notifier_config& config, const event& e) {
    const mail_content mail =
        format_mail(e, text_options_of(config), dashboard_link(config.dashboard_url, e));
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "senderAddress", config.sens.sender_address);
    json::put(w, "senderName",
              config.sens.sender_name.empty() ? "ses-upgrade-monitor" : config.sens.sender_name);
    json::put(w, "title", mail.subject);
    json::put(w, "body", mail.html);
    json::key(w, "recipients");
    w.StartArray();
    for (const std::string& address : config.recipients) {
        w.StartObject();
        json::put(w, "address", address);
        json::put(w, "type", "R");
        w.EndObject();
    }
    w.EndArray();
    // Each recipient gets a mail of their own: one address never sees the others.
    json::key(w, "individual");
    w.Bool(true);
    json::key(w, "advertising");
    w.Bool(false);
    w.EndObject();
    return json::text(buffer);
}

std::string sms_body(const notifier_config& config, const event& e) {
    const sms_content sms = format_sms(e, text_options_of(config), config.sens.sms);
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "type", sms.type);
    json::put(w, "contentType", "COMM");
    json::put(w, "countryCode", config.sens.country_code);
    json::put(w, "from", config.sens.from);
    if (!sms.subject.empty())
        json::put(w, "subject", sms.subject);
    json::put(w, "content", sms.content);
    json::key(w, "messages");
    w.StartArray();
    for (const std::string& number : config.recipients) {
        w.StartObject();
        json::put(w, "to", number);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace

sens_message sens_request_body(const notifier_config& config, const event& e) {
    if (config.type == notifier_type::ncp_sms) {
        return {"/sms/v2/services/" + config.sens.service_id + "/messages", sms_body(config, e)};
    }
    const std::string path = config.sens.mail == mail_api::sens
                                 ? "/mail/v2/services/" + config.sens.service_id + "/requests"
                                 : "/api/v1/mails";
    return {path, mail_body(config, e)};
}

sens_notifier::sens_notifier(notifier_config config, http_client& client, sesmon::clock& clock)
    : config_(std::move(config)), client_(client), clock_(clock) {
    const bool needs_service =
        config_.type == notifier_type::ncp_sms || config_.sens.mail == mail_api::sens;
    if ((needs_service && config_.sens.service_id.empty()) || config_.recipients.empty()) {
        throw std::invalid_argument("notifier '" + config_.name +
                                    "': SENS notifier without service_id or recipients");
    }
    if (config_.sens.access_key.empty() || config_.sens.secret_key.empty()) {
        throw std::invalid_argument("notifier '" + config_.name + "': no SENS keys");
    }
    signer_ = std::make_unique<ncp::signer>(config_.sens.access_key.reveal(),
                                            config_.sens.secret_key.reveal());
}

sens_notifier::~sens_notifier() = default;

boost::asio::awaitable<http_result> sens_notifier::send(http_request request,
                                                        const delivery_context& context) {
    // The deadline is on the steady clock that the HTTP client times requests with.
    request.timeout = context.budget(config_.timeout, std::chrono::steady_clock::now());
    co_return co_await client_.send(std::move(request));
}

boost::asio::awaitable<delivery_outcome> sens_notifier::deliver(const event& e,
                                                                const delivery_context& context) {
    if (auto refused = refused_by(context, std::chrono::steady_clock::now()))
        co_return *refused;
    const steady_time began = clock_.steady_now();
    sens_message message = sens_request_body(config_, e);
    http_request request;
    request.method = "POST";
    request.url = config_.sens.endpoint + message.path;
    // The signature covers the request-target exactly as sent (with an endpoint's path).
    const auto target = common::parse_url(request.url);
    const std::int64_t timestamp_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
            .count();
    request.headers = {
        {"Content-Type", "application/json; charset=utf-8"},
        {"User-Agent", std::string("ses-upgrade-monitor/") + version},
        {"x-ncp-apigw-timestamp", std::to_string(timestamp_ms)},
        {"x-ncp-iam-access-key", signer_->access_key()},
        {"x-ncp-apigw-signature-v2",
         signer_->sign("POST", target ? target->target : message.path, timestamp_ms)},
    };
    request.body = std::move(message.body);
    const http_result result = co_await send(std::move(request), context);
    delivery_outcome outcome = classify_service_result(result, clock_.wall_now());
    outcome.latency = std::chrono::duration_cast<duration>(clock_.steady_now() - began);
    co_return outcome;
}

}  // namespace sesmon::notify
