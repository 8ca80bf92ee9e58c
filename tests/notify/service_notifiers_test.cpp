// naver_works, teams, ncp_mail and ncp_sms against the simulator's emulation of each service
// (src/sim/works_service, teams_service, sens_service) over real loopback HTTP.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "common/crypto_rsa.hpp"
#include "net/https_client.hpp"
#include "notify/dispatcher.hpp"
#include "notify/format_teams.hpp"
#include "notify/retry_policy.hpp"
#include "notify/sens_notifier.hpp"
#include "notify/teams_notifier.hpp"
#include "notify/utf8_text.hpp"
#include "notify/works_notifier.hpp"
#include "sample_event.hpp"
#include "service_sim.hpp"
#include "store_harness.hpp"
#include "support/run_awaitable.hpp"
#include "support/test_certs.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;
using kind = delivery_outcome::kind;
using test::service_sim;

sim::simulator_options sim_options(std::chrono::seconds token_ttl = 86400s) {
    sim::simulator_options o;
    o.works.public_key_pem = *common::public_key_of(test::test_rsa_key());
    o.works.client_id = "client-1";
    o.works.client_secret = "works-secret";
    o.works.token_ttl = token_ttl;
    o.teams_signature = "teams-sig";
    o.sens.credentials = sim::gateway_credentials{"sens-access", "sens-secret"};
    o.sens.senders = {"0212345678"};
    return o;
}

rapidjson::Document parse_sent(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    return doc;
}

class service_notifiers_test : public ::testing::Test {
  protected:
    explicit service_notifiers_test(std::chrono::seconds token_ttl = 86400s)
        : sim_(sim_options(token_ttl)),
          clock_(std::chrono::time_point_cast<std::chrono::seconds>(
              std::chrono::system_clock::now())) {}

    notifier_config base(notifier_type type) {
        notifier_config c;
        c.name = "n";
        c.type = type;
        c.timeout = 5s;
        c.time_zone = {"Asia/Seoul", 9h, "KST"};
        return c;
    }

    notifier_config works(std::string secret = "works-secret",
                          const std::string& key = test::test_rsa_key()) {
        notifier_config c = base(notifier_type::naver_works);
        c.works.bot_id = "2000001";
        c.works.channel_id = "ch-1";
        c.works.client_id = "client-1";
        c.works.service_account = "abcd.serviceaccount@example";
        c.works.client_secret = secret_value(std::move(secret));
        c.works.private_key = secret_value(key);
        c.works.token_url = sim_.base_url() + "/oauth2/v2.0/token";
        c.works.api_url = sim_.base_url() + "/v1.0";
        return c;
    }

    notifier_config teams(const std::string& sig = "teams-sig") {
        notifier_config c = base(notifier_type::teams);
        c.url = secret_value(sim_.base_url() + "/teams/ops?api-version=1&sig=" + sig);
        return c;
    }

    notifier_config sms(std::string secret = "sens-secret") {
        notifier_config c = base(notifier_type::ncp_sms);
        c.sens.endpoint = sim_.base_url();
        c.sens.service_id = "ncp:sms:kr:1:svc";
        c.sens.access_key = secret_value("sens-access");
        c.sens.secret_key = secret_value(std::move(secret));
        c.sens.from = "0212345678";
        c.recipients = {"01012345678"};
        return c;
    }

    notifier_config mail() {
        notifier_config c = base(notifier_type::ncp_mail);
        c.sens.endpoint = sim_.base_url();
        c.sens.service_id = "ncp:mail:kr:1:svc";
        c.sens.access_key = secret_value("sens-access");
        c.sens.secret_key = secret_value("sens-secret");
        c.sens.sender_address = "monitor@example.com";
        c.recipients = {"oncall@example.com", "lead@example.com"};
        return c;
    }

    static secret secret_value(std::string value) { return secret(std::move(value), "test"); }

    delivery_outcome deliver(notifier& n, const event& e,
                             const delivery_context& context = delivery_context{}) {
        return sesmon::test::run_awaitable(ioc_, n.deliver(e, context), 20s);
    }
    // Moves the simulator's services clock and the notifier's together.
    void advance(long long seconds) {
        sim_.advance(seconds);
        clock_.advance(std::chrono::seconds(seconds));
    }

    service_sim sim_;
    boost::asio::io_context ioc_;
    net::https_client client_{ioc_.get_executor()};
    manual_clock clock_;
};

// ---- naver_works ----

TEST_F(service_notifiers_test, works_sends_a_text_message_with_a_fresh_token) {
    works_notifier n(works(), client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    EXPECT_EQ(out.http_status, 201);
    const auto messages = parse_sent(sim_.records("works_message"));
    ASSERT_EQ(messages.Size(), 1u);
    EXPECT_STREQ(messages[0]["path"].GetString(), "/v1.0/bots/2000001/channels/ch-1/messages");
    const auto body = parse_sent(messages[0]["body"].GetString());
    EXPECT_STREQ(body["content"]["type"].GetString(), "text");
    EXPECT_NE(std::string(body["content"]["text"].GetString()).find("prod-logs-do-6tnm"),
              std::string::npos);
    EXPECT_EQ(parse_sent(sim_.records("works_token")).Size(), 1u);
}

TEST_F(service_notifiers_test, works_sends_a_flex_bubble_to_a_user_when_there_is_a_dashboard) {
    notifier_config c = works();
    c.works.channel_id.clear();
    c.works.user_id = "oncall@example";
    c.dashboard_url = "https://mon.example.net/";
    c.language = message_language::ko;
    works_notifier n(c, client_, clock_);
    EXPECT_EQ(deliver(n, test::stalled_event()).result, kind::delivered);
    const auto messages = parse_sent(sim_.records("works_message"));
    ASSERT_EQ(messages.Size(), 1u);
    EXPECT_STREQ(messages[0]["path"].GetString(),
                 "/v1.0/bots/2000001/users/oncall@example/messages");
    const std::string body = messages[0]["body"].GetString();
    EXPECT_NE(body.find("\"type\":\"flex\""), std::string::npos);
    EXPECT_NE(body.find("https://mon.example.net/#cluster/prod-logs"), std::string::npos);
    EXPECT_NE(body.find("대시보드에서 보기"), std::string::npos);
    EXPECT_NE(body.find("업그레이드 지연"), std::string::npos);
}

TEST_F(service_notifiers_test, works_wrong_client_secret_is_dead_with_the_reason) {
    works_notifier n(works("not-the-secret"), client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::rejected);
    EXPECT_EQ(out.detail,
              "token request: HTTP 401: invalid_client: unknown client_id or wrong client_secret");
    EXPECT_EQ(out.detail.find("not-the-secret"), std::string::npos);
    EXPECT_EQ(parse_sent(sim_.records("works_message")).Size(), 0u);
}

TEST_F(service_notifiers_test, works_key_the_service_does_not_know_is_dead_with_the_reason) {
    works_notifier n(works("works-secret", test::other_rsa_key()), client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::rejected);
    EXPECT_NE(out.detail.find("HTTP 400: invalid_grant: the JWT's signature does not verify"),
              std::string::npos)
        << out.detail;
}

TEST_F(service_notifiers_test, works_429_is_retried_after_the_rate_limit_reset) {
    works_notifier n(works(), client_, clock_);
    sim_.fail(R"({"service":"works_message","mode":"429","rate_limit_reset":7})");
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::retry);
    EXPECT_EQ(out.http_status, 429);
    ASSERT_TRUE(out.retry_after);
    EXPECT_EQ(*out.retry_after, 7s);
    EXPECT_NE(out.detail.find("TOO_MANY_REQUESTS"), std::string::npos) << out.detail;
    // The lane waits at least that long, whatever the jitter drew.
    retry_config retry;
    EXPECT_EQ(backoff_delay(retry, 1, 0.0, out.retry_after), 7s);
    // Retry-After, when sent, wins; and the next attempt goes through.
    sim_.fail(R"({"service":"works_token","mode":"429","retry_after":3,"rate_limit_reset":9})");
    works_notifier fresh(works(), client_, clock_);
    const delivery_outcome token_limited = deliver(fresh, test::stalled_event());
    EXPECT_EQ(token_limited.result, kind::retry);
    EXPECT_EQ(token_limited.retry_after, std::optional<duration>(3s));
    EXPECT_EQ(deliver(fresh, test::stalled_event()).result, kind::delivered);
}

class works_renewal_test : public service_notifiers_test {
  protected:
    works_renewal_test() : service_notifiers_test(600s) {}
};

TEST_F(works_renewal_test, the_token_is_reused_then_renewed_before_it_expires) {
    works_notifier n(works(), client_, clock_);
    EXPECT_EQ(deliver(n, test::stalled_event()).result, kind::delivered);
    advance(500);  // 100 s left of 600: more than a tenth (60 s), so still good
    EXPECT_EQ(deliver(n, test::stalled_event()).result, kind::delivered);
    EXPECT_EQ(parse_sent(sim_.records("works_token")).Size(), 1u);
    advance(60);  // 40 s left: renewed before use
    EXPECT_EQ(deliver(n, test::stalled_event()).result, kind::delivered);
    EXPECT_EQ(parse_sent(sim_.records("works_token")).Size(), 2u);
    advance(100);  // the first token has expired at the service; the second is in use
    EXPECT_EQ(deliver(n, test::stalled_event()).result, kind::delivered);
    const auto messages = parse_sent(sim_.records("works_message"));
    ASSERT_EQ(messages.Size(), 4u);
    for (const auto& m : messages.GetArray())
        EXPECT_EQ(m["status"].GetInt(), 201);
}

TEST_F(works_renewal_test, a_token_the_service_expired_early_is_replaced_in_the_same_attempt) {
    works_notifier n(works(), client_, clock_);
    EXPECT_EQ(deliver(n, test::stalled_event()).result, kind::delivered);
    sim_.advance(700);  // the service's clock only: the notifier still trusts its token
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    const auto messages = parse_sent(sim_.records("works_message"));
    ASSERT_EQ(messages.Size(), 3u);
    EXPECT_EQ(messages[1]["status"].GetInt(), 401);
    EXPECT_STREQ(messages[1]["detail"].GetString(), "the access token has expired");
    EXPECT_EQ(messages[2]["status"].GetInt(), 201);
    EXPECT_EQ(parse_sent(sim_.records("works_token")).Size(), 2u);
}

TEST_F(service_notifiers_test, works_concurrent_attempts_share_one_token_exchange) {
    works_notifier n(works(), client_, clock_);
    int delivered = 0;
    // deliver() takes the event and the context by reference: they outlive the coroutines.
    const event stalled = test::stalled_event();
    const delivery_context unbounded;
    for (int i = 0; i < 3; ++i) {
        boost::asio::co_spawn(ioc_, n.deliver(stalled, unbounded),
                              [&](std::exception_ptr, delivery_outcome out) {
                                  delivered += out.result == kind::delivered ? 1 : 0;
                              });
    }
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (delivered < 3 && std::chrono::steady_clock::now() < deadline)
        ioc_.run_one_for(10ms);
    EXPECT_EQ(delivered, 3);
    EXPECT_EQ(parse_sent(sim_.records("works_token")).Size(), 1u);
}

TEST_F(service_notifiers_test, works_a_long_text_is_shortened_not_refused) {
    event e = test::stalled_event();
    e.type = event_type::monitor_blind;
    e.error = std::string(5000, 'x');
    e.summary = "prod-logs: no successful poll for 12m: " + *e.error;
    works_notifier n(works(), client_, clock_);
    const delivery_outcome out = deliver(n, e);
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    const auto messages = parse_sent(sim_.records("works_message"));
    const auto body = parse_sent(messages[0]["body"].GetString());
    const std::string text = body["content"]["text"].GetString();
    EXPECT_EQ(utf8_length(text), 2000u);
    EXPECT_NE(text.find("\u2026 (shortened)"), std::string::npos);
}

// Through the dispatcher and the outbox, as the daemon runs it.
class works_lane_test : public service_notifiers_test {
  protected:
    std::unique_ptr<dispatcher> make(notifier_config config) {
        config.name = "works";
        config.events.assign(std::begin(all_event_types), std::end(all_event_types));
        config.retry.initial_backoff = 10ms;
        config.retry.max_backoff = 20ms;
        dispatcher_options options;
        options.random = [] { return 0.0; };  // no jitter: only the service's wait counts
        auto d = std::make_unique<dispatcher>(
            ioc_.get_executor(), std::vector<notifier_config>{config}, store_.store(),
            store_.take_pending(), clock_, logger_,
            [this](const notifier_config& c) {
                return std::make_unique<works_notifier>(c, client_, clock_);
            },
            options);
        d->start();
        return d;
    }
    // The sample stall, happening now (the sample's own time is older than max_age).
    event recent_event() {
        event e = test::stalled_event();
        e.occurred_at = clock_.wall_now();
        return e;
    }
    template <class Predicate>
    bool run_until(Predicate done, std::chrono::seconds limit = 10s) {
        ioc_.restart();
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline)
            ioc_.run_one_for(5ms);
        return done();
    }

    sesmon::test::temp_dir dir_;
    test::store_harness store_{ioc_, dir_.path()};
    std::shared_ptr<spdlog::logger> logger_ =
        std::make_shared<spdlog::logger>("notify", std::make_shared<spdlog::sinks::null_sink_mt>());
};

TEST_F(works_lane_test, a_429_is_retried_no_sooner_than_the_rate_limit_reset) {
    auto d = make(works());
    sim_.fail(R"({"service":"works_message","mode":"429","rate_limit_reset":1})");
    const auto began = std::chrono::steady_clock::now();
    store_.submit(*d, recent_event(), {"works"});
    ASSERT_TRUE(run_until([&] { return !store_.rows(state::delivery_status::delivered).empty(); }));
    // 1 s from the header; the backoff alone (10 ms, no jitter) would have retried at once.
    EXPECT_GE(std::chrono::steady_clock::now() - began, 1s);
    const auto messages = parse_sent(sim_.records("works_message"));
    ASSERT_EQ(messages.Size(), 2u);
    EXPECT_EQ(messages[0]["status"].GetInt(), 429);
    EXPECT_EQ(messages[1]["status"].GetInt(), 201);
}

TEST_F(works_lane_test, an_auth_failure_is_dead_with_the_reason) {
    auto d = make(works("wrong-secret"));
    store_.submit(*d, recent_event(), {"works"});
    ASSERT_TRUE(run_until([&] { return !store_.rows(state::delivery_status::dead).empty(); }));
    const auto dead = store_.rows(state::delivery_status::dead);
    EXPECT_EQ(dead[0].attempts, 1);
    EXPECT_EQ(dead[0].last_error,
              "token request: HTTP 401: invalid_client: unknown client_id or wrong client_secret");
}

// ---- teams ----

TEST_F(service_notifiers_test, teams_posts_an_adaptive_card) {
    notifier_config c = teams();
    c.language = message_language::ja;
    c.dashboard_url = "https://mon.example.net";
    teams_notifier n(c, client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    EXPECT_EQ(out.http_status, 202);
    const auto records = parse_sent(sim_.records("teams"));
    ASSERT_EQ(records.Size(), 1u);
    EXPECT_STREQ(records[0]["path"].GetString(), "/teams/ops");
    const std::string body = records[0]["body"].GetString();
    EXPECT_NE(body.find("アップグレード停滞"), std::string::npos);
    EXPECT_NE(body.find("Action.OpenUrl"), std::string::npos);
}

TEST_F(service_notifiers_test, teams_wrong_signature_is_dead_with_the_reason) {
    teams_notifier n(teams("forged"), client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::rejected);
    EXPECT_EQ(out.detail, "HTTP 401: DirectApiAuthorizationRequired: the sig does not match");
}

TEST_F(service_notifiers_test, teams_an_oversized_card_is_shortened_to_fit) {
    event e = test::stalled_event();
    e.type = event_type::monitor_blind;
    e.error = std::string(60'000, 'e');
    teams_notifier n(teams(), client_, clock_);
    const delivery_outcome out = deliver(n, e);
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    const std::string body = parse_sent(sim_.records("teams"))[0]["body"].GetString();
    EXPECT_LE(body.size(), teams_body_limit);
    EXPECT_GT(body.size(), 10'000u);  // shortened, not emptied
}

TEST_F(service_notifiers_test, teams_429_is_retried_after_retry_after) {
    teams_notifier n(teams(), client_, clock_);
    sim_.fail(R"({"service":"teams","mode":"429","retry_after":4})");
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::retry);
    EXPECT_EQ(out.retry_after, std::optional<duration>(4s));
    EXPECT_EQ(deliver(n, test::stalled_event()).result, kind::delivered);
}

// ---- ncp_sms ----

TEST_F(service_notifiers_test, sms_a_short_text_goes_as_one_sms) {
    sens_notifier n(sms(), client_, clock_);
    event e = test::simple_event("id1", "prod", event_type::upgrade_failed);
    const delivery_outcome out = deliver(n, e);
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    EXPECT_EQ(out.http_status, 202);
    const auto records = parse_sent(sim_.records("sens_sms"));
    ASSERT_EQ(records.Size(), 1u);
    EXPECT_STREQ(records[0]["path"].GetString(), "/sms/v2/services/ncp:sms:kr:1:svc/messages");
    const auto body = parse_sent(records[0]["body"].GetString());
    EXPECT_STREQ(body["type"].GetString(), "SMS");
    EXPECT_STREQ(body["from"].GetString(), "0212345678");
    EXPECT_STREQ(body["messages"][0]["to"].GetString(), "01012345678");
}

TEST_F(service_notifiers_test, sms_a_long_korean_text_goes_as_lms_or_is_shortened_to_one_sms) {
    notifier_config c = sms();
    c.language = message_language::ko;
    sens_notifier lms(c, client_, clock_);
    EXPECT_EQ(deliver(lms, test::stalled_event()).result, kind::delivered);
    c.sens.sms = sms_type::sms;
    sens_notifier short_sms(c, client_, clock_);
    EXPECT_EQ(deliver(short_sms, test::stalled_event()).result, kind::delivered);
    const auto records = parse_sent(sim_.records("sens_sms"));
    ASSERT_EQ(records.Size(), 2u);
    const auto first = parse_sent(records[0]["body"].GetString());
    EXPECT_STREQ(first["type"].GetString(), "LMS");
    EXPECT_STREQ(first["subject"].GetString(), "업그레이드 지연: prod-logs");
    const auto second = parse_sent(records[1]["body"].GetString());
    EXPECT_STREQ(second["type"].GetString(), "SMS");
    EXPECT_LE(sms_bytes(second["content"].GetString()), 80u);
    EXPECT_EQ(std::string(second["content"].GetString()).rfind("[업그레이드 지연] prod-logs", 0),
              0u);
}

TEST_F(service_notifiers_test, sms_wrong_secret_key_is_dead_with_the_gateways_reason) {
    sens_notifier n(sms("not-the-key"), client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::rejected);
    EXPECT_EQ(out.detail, "HTTP 401: 200: Authentication Failed");
}

TEST_F(service_notifiers_test, sms_from_an_unregistered_number_is_dead_with_the_reason) {
    notifier_config c = sms();
    c.sens.from = "0299999999";
    sens_notifier n(c, client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::rejected);
    EXPECT_EQ(out.detail, "HTTP 400: from is not a registered caller number");
}

TEST_F(service_notifiers_test, sms_429_is_retried_and_a_retry_is_signed_afresh) {
    sens_notifier n(sms(), client_, clock_);
    sim_.fail(R"({"service":"sens_sms","mode":"429","retry_after":2})");
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::retry);
    EXPECT_EQ(out.retry_after, std::optional<duration>(2s));
    advance(200);  // a later attempt: a new timestamp, still inside the gateway's window
    EXPECT_EQ(deliver(n, test::stalled_event()).result, kind::delivered);
}

// ---- ncp_mail ----

TEST_F(service_notifiers_test, mail_sends_subject_and_html_to_every_recipient) {
    notifier_config c = mail();
    c.language = message_language::ko;
    sens_notifier n(c, client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    EXPECT_EQ(out.http_status, 201);
    const auto records = parse_sent(sim_.records("sens_mail"));
    ASSERT_EQ(records.Size(), 1u);
    EXPECT_STREQ(records[0]["path"].GetString(), "/mail/v2/services/ncp:mail:kr:1:svc/requests");
    const auto body = parse_sent(records[0]["body"].GetString());
    EXPECT_STREQ(body["title"].GetString(), "[ses-upgrade-monitor] 업그레이드 지연: prod-logs");
    EXPECT_NE(std::string(body["body"].GetString()).find("<td>노드 3/8 완료</td>"),
              std::string::npos);
    EXPECT_EQ(body["recipients"].Size(), 2u);
    EXPECT_TRUE(body["individual"].GetBool());
}

TEST_F(service_notifiers_test, mail_through_an_endpoint_that_is_down_is_retried) {
    notifier_config c = mail();
    c.sens.endpoint = "http://127.0.0.1:1";
    sens_notifier n(c, client_, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::retry);
    EXPECT_EQ(out.detail.rfind("connect", 0), 0u) << out.detail;
}

// ---- the attempt's bounds (SPEC §12 invariant 3: nothing a member sends reaches a receiver
// after its leadership term ended) ----

TEST_F(service_notifiers_test, no_service_request_starts_past_the_attempts_deadline_or_term) {
    delivery_context past;
    past.deadline = std::chrono::steady_clock::now() - 1ms;
    delivery_context ended;  // a deadline ahead, but the term ended
    ended.may_continue = [] { return false; };
    works_notifier w(works(), client_, clock_);
    teams_notifier t(teams(), client_, clock_);
    sens_notifier s(sms(), client_, clock_);
    sens_notifier m(mail(), client_, clock_);
    for (const delivery_context* context : {&past, &ended}) {
        for (notifier* n : std::initializer_list<notifier*>{&w, &t, &s, &m}) {
            const delivery_outcome out = deliver(*n, test::stalled_event(), *context);
            EXPECT_EQ(out.result, kind::retry) << n->name();
            EXPECT_EQ(out.detail.rfind("not sent:", 0), 0u) << out.detail;
        }
    }
    for (const char* service : {"works_token", "works_message", "teams", "sens_sms", "sens_mail"})
        EXPECT_EQ(parse_sent(sim_.records(service)).Size(), 0u) << service;
    // The same notifiers send when the bounds allow it: the refusals above were the bounds'.
    delivery_context ahead;
    ahead.deadline = std::chrono::steady_clock::now() + 20s;
    EXPECT_EQ(deliver(t, test::stalled_event(), ahead).result, kind::delivered);
    EXPECT_EQ(parse_sent(sim_.records("teams")).Size(), 1u);
}

}  // namespace
}  // namespace sesmon::notify
