#include "notify/works_token.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>

#include "common/crypto_rsa.hpp"
#include "common/json_writer.hpp"
#include "notify/service_reply.hpp"
#include "sesmon/version.hpp"

namespace sesmon::notify {

namespace json = common::json;
namespace asio = boost::asio;

namespace {

constexpr auto assertion_lifetime = std::chrono::minutes(30);

std::string form_value(std::string_view value) {
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

// expires_in comes as a string ("86400") in NAVER WORKS' answers, as a number in OAuth's.
std::optional<long long> expires_in(const rapidjson::Value& doc) {
    const auto it = doc.FindMember("expires_in");
    if (it == doc.MemberEnd())
        return std::nullopt;
    if (it->value.IsInt64())
        return it->value.GetInt64();
    if (it->value.IsString()) {
        const std::string_view text(it->value.GetString(), it->value.GetStringLength());
        long long seconds = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec == std::errc{} && end == text.data() + text.size())
            return seconds;
    }
    return std::nullopt;
}

delivery_outcome failed(delivery_outcome::kind kind, std::string detail) {
    delivery_outcome out;
    out.result = kind;
    out.detail = std::move(detail);
    return out;
}

}  // namespace

struct works_token::pending {
    std::vector<std::shared_ptr<asio::steady_timer>> waiters;
    std::optional<delivery_outcome> failure;  // how the exchange ended, when it failed
};

std::optional<std::string> works_assertion(const naver_works_config& config, wall_time now) {
    const long long iat = now.time_since_epoch().count();
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "iss", config.client_id);
    json::put(w, "sub", config.service_account);
    json::key(w, "iat");
    w.Int64(iat);
    json::key(w, "exp");
    w.Int64(iat + std::chrono::seconds(assertion_lifetime).count());
    w.EndObject();
    const std::string signing_input = common::base64url_encode(R"({"alg":"RS256","typ":"JWT"})") +
                                      "." + common::base64url_encode(json::text(buffer));
    const auto signature = common::sign_rs256(config.private_key.reveal(), signing_input);
    if (!signature)
        return std::nullopt;
    return signing_input + "." + common::base64url_encode(*signature);
}

std::string works_token_form(const naver_works_config& config, const std::string& assertion) {
    return "assertion=" + form_value(assertion) +
           "&grant_type=" + form_value("urn:ietf:params:oauth:grant-type:jwt-bearer") +
           "&client_id=" + form_value(config.client_id) +
           "&client_secret=" + form_value(config.client_secret.reveal()) + "&scope=bot";
}

works_token::works_token(const naver_works_config& config, sender send, sesmon::clock& clock)
    : config_(config), send_(std::move(send)), clock_(clock) {}

works_token::~works_token() {
    if (pending_) {
        for (auto& waiter : pending_->waiters)
            waiter->cancel();
    }
}

void works_token::invalidate(const std::string& token) {
    if (cached_ && cached_->token == token)
        cached_.reset();
}

asio::awaitable<works_token::result> works_token::get() {
    if (cached_ && clock_.steady_now() < cached_->renew_at)
        co_return result{cached_->token, {}};
    if (pending_) {
        // Someone is exchanging already: wait for that one's outcome.
        auto state = pending_;
        auto waiter = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor,
                                                           asio::steady_timer::time_point::max());
        state->waiters.push_back(waiter);
        co_await waiter->async_wait(asio::as_tuple(asio::use_awaitable));
        if (cached_)
            co_return result{cached_->token, {}};
        co_return result{std::nullopt,
                         state->failure.value_or(failed(delivery_outcome::kind::retry,
                                                        "token exchange did not finish"))};
    }
    auto state = std::make_shared<pending>();
    pending_ = state;
    result out = co_await exchange();
    if (!out.token)
        state->failure = out.failure;
    if (pending_ == state)
        pending_.reset();
    for (auto& waiter : state->waiters)
        waiter->cancel();
    co_return out;
}

asio::awaitable<works_token::result> works_token::exchange() {
    const auto assertion = works_assertion(config_, clock_.wall_now());
    if (!assertion) {
        co_return result{std::nullopt, failed(delivery_outcome::kind::rejected,
                                              "the private key cannot sign (" +
                                                  config_.private_key.origin() + ")")};
    }
    http_request request;
    request.method = "POST";
    request.url = config_.token_url;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"User-Agent", std::string("ses-upgrade-monitor/") + version}};
    request.body = works_token_form(config_, *assertion);
    const steady_time asked = clock_.steady_now();
    const http_result answer = co_await send_(std::move(request));
    delivery_outcome outcome = classify_service_result(answer, clock_.wall_now());
    if (outcome.result != delivery_outcome::kind::delivered) {
        outcome.detail = "token request: " + outcome.detail;
        co_return result{std::nullopt, outcome};
    }
    rapidjson::Document doc;
    doc.Parse(answer->body.data(), answer->body.size());
    const auto lifetime = doc.IsObject() ? expires_in(doc) : std::nullopt;
    if (!doc.IsObject() || !doc.HasMember("access_token") || !doc["access_token"].IsString() ||
        doc["access_token"].GetStringLength() == 0 || !lifetime || *lifetime <= 0) {
        // A token URL that answers 200 with something else is misconfigured or broken.
        co_return result{std::nullopt,
                         failed(delivery_outcome::kind::retry,
                                "token request: HTTP " + std::to_string(answer->status) +
                                    " without access_token and expires_in")};
    }
    const std::chrono::seconds life(*lifetime);
    const std::chrono::seconds margin = std::clamp<std::chrono::seconds>(
        life / 10, std::chrono::seconds(30), std::chrono::minutes(10));
    // Counted from when it was asked for: the token's lifetime started before the answer.
    cached_ =
        cached{doc["access_token"].GetString(), asked + (life > margin ? life - margin : life / 2)};
    co_return result{cached_->token, {}};
}

}  // namespace sesmon::notify
