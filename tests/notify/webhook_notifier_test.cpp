#include "notify/webhook_notifier.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fstream>
#include <sstream>

#include "common/crypto.hpp"
#include "net/https_client.hpp"
#include "notify/client_pool.hpp"
#include "notify/dispatcher.hpp"
#include "notify/factory.hpp"
#include "notify/format_generic.hpp"
#include "notify/format_pagerduty.hpp"
#include "notify/signing.hpp"
#include "sample_event.hpp"
#include "sesmon/version.hpp"
#include "store_harness.hpp"
#include "support/run_awaitable.hpp"
#include "support/scripted_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;
using kind = delivery_outcome::kind;
using sesmon::test::scripted_reply;
using sesmon::test::scripted_server;

class webhook_notifier_test : public ::testing::Test {
  protected:
    webhook_notifier_test() : clock_(test::sample_time() + 1min) {
        logger_ = std::make_shared<spdlog::logger>(
            "notify", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
        logger_->set_pattern("%l %v");
    }

    notifier_config config(std::string path = "/hooks/ops?token=s3cr3t") {
        notifier_config c;
        c.name = "ops";
        c.type = notifier_type::webhook;
        c.format = webhook_format::generic;
        c.url = secret(server_.base_url() + path, "test");
        c.timeout = 2s;
        c.events.assign(std::begin(all_event_types), std::end(all_event_types));
        c.retry.initial_backoff = 5ms;
        c.retry.max_backoff = 20ms;
        return c;
    }

    delivery_outcome deliver(webhook_notifier& n, const event& e,
                             const delivery_context& context = {}) {
        return sesmon::test::run_awaitable(ioc_, n.deliver(e, context), 10s);
    }

    template <class Predicate>
    bool run_until(Predicate done) {
        ioc_.restart();
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            ioc_.run_one_for(5ms);
        }
        return done();
    }

    boost::asio::io_context ioc_;
    scripted_server server_;
    net::https_client client_{ioc_.get_executor()};
    manual_clock clock_;
    std::ostringstream log_;
    std::shared_ptr<spdlog::logger> logger_;
    sesmon::test::temp_dir state_;
};

TEST_F(webhook_notifier_test, posts_the_generic_body_with_standard_webhooks_headers) {
    server_.push({.status = 204});
    auto c = config();
    c.signing_secret = secret("whsec_" + common::base64_encode("0123456789abcdef"), "test");
    c.headers = {{"X-Team", "search"}};
    webhook_notifier n(c, client_, clock_);
    const event e = test::stalled_event();
    const auto outcome = deliver(n, e);
    EXPECT_EQ(outcome.result, kind::delivered) << outcome.detail;
    EXPECT_EQ(outcome.http_status, 204);
    EXPECT_EQ(outcome.detail, "HTTP 204");

    ASSERT_EQ(server_.requests().size(), 1u);
    const auto request = server_.requests().at(0);
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/hooks/ops?token=s3cr3t");
    EXPECT_EQ(request.body, format_generic(e));
    EXPECT_EQ(request.header("content-type"), "application/json");
    EXPECT_EQ(request.header("user-agent"), std::string("ses-upgrade-monitor/") + version);
    EXPECT_EQ(request.header("x-team"), "search");
    EXPECT_EQ(request.header("webhook-id"), e.id);
    const long long ts = clock_.wall_now().time_since_epoch().count();
    EXPECT_EQ(request.header("webhook-timestamp"), std::to_string(ts));
    EXPECT_EQ(request.header("webhook-signature"),
              webhook_signature("0123456789abcdef", e.id, ts, request.body));
}

TEST_F(webhook_notifier_test, receiver_answers_are_classified) {
    server_.push({.status = 503});
    server_.push({.status = 429, .headers = {{"Retry-After", "5"}}});
    server_.push({.status = 400});
    server_.push({.status = 301, .headers = {{"Location", "http://127.0.0.1:1/"}}});
    webhook_notifier n(config(), client_, clock_);
    const event e = test::stalled_event();
    auto outcome = deliver(n, e);
    EXPECT_EQ(outcome.result, kind::retry);
    EXPECT_EQ(outcome.detail, "HTTP 503");
    outcome = deliver(n, e);
    EXPECT_EQ(outcome.result, kind::retry);
    EXPECT_EQ(outcome.retry_after, duration(5s));
    outcome = deliver(n, e);
    EXPECT_EQ(outcome.result, kind::rejected);
    EXPECT_EQ(outcome.http_status, 400);
    outcome = deliver(n, e);
    EXPECT_EQ(outcome.result, kind::rejected);  // redirects are not followed
    EXPECT_EQ(server_.requests().size(), 4u);
}

TEST_F(webhook_notifier_test, refused_connection_is_retried_and_names_no_path) {
    std::uint16_t port = 0;
    {
        boost::asio::ip::tcp::acceptor probe(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = probe.local_endpoint().port();
    }  // closed again: nothing listens there now
    auto c = config();
    c.url = secret("http://127.0.0.1:" + std::to_string(port) + "/hooks/s3cr3t", "test");
    webhook_notifier n(c, client_, clock_);
    const auto outcome = deliver(n, test::stalled_event());
    EXPECT_EQ(outcome.result, kind::retry);
    EXPECT_EQ(outcome.http_status, 0);
    EXPECT_EQ(outcome.detail.find("s3cr3t"), std::string::npos) << outcome.detail;
}

TEST_F(webhook_notifier_test, unusable_configurations_are_refused) {
    auto no_url = config();
    no_url.url = secret();
    EXPECT_THROW(webhook_notifier(no_url, client_, clock_), std::invalid_argument);
    auto bad_secret = config();
    bad_secret.signing_secret = secret("whsec_***", "test");
    EXPECT_THROW(webhook_notifier(bad_secret, client_, clock_), std::invalid_argument);
    auto pager = config();
    pager.format = webhook_format::pagerduty;
    EXPECT_THROW(webhook_notifier(pager, client_, clock_), std::invalid_argument);
}

notifier_config as_pagerduty(notifier_config c) {
    c.format = webhook_format::pagerduty;
    c.routing_key = secret("R0UTINGKEY", "test");
    return c;
}

event of_type(event_type type) {
    event e = test::stalled_event();
    e.type = type;
    return e;
}

TEST_F(webhook_notifier_test, pagerduty_finished_sends_one_resolve_per_incident_of_the_upgrade) {
    webhook_notifier n(as_pagerduty(config("/v2/enqueue")), client_, clock_);
    const event finished = of_type(event_type::upgrade_finished);

    // The second message fails: the attempt is a retry, not a partial delivery.
    server_.push({.status = 202});
    server_.push({.status = 503});
    auto outcome = deliver(n, finished);
    EXPECT_EQ(outcome.result, kind::retry);
    EXPECT_EQ(outcome.detail, "message 2 of 3: HTTP 503");
    // The retry sends all three again (PagerDuty deduplicates by dedup_key).
    server_.push({.status = 202});
    server_.push({.status = 202});
    server_.push({.status = 202});
    outcome = deliver(n, finished);
    EXPECT_EQ(outcome.result, kind::delivered) << outcome.detail;
    EXPECT_EQ(outcome.detail, "HTTP 202 (3 messages)");

    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 5u);
    const auto bodies = format_pagerduty(finished, "R0UTINGKEY");
    const std::size_t sent[] = {0, 1, 0, 1, 2};  // which message each request carried
    for (std::size_t i = 0; i < requests.size(); ++i) {
        EXPECT_EQ(requests[i].target, "/v2/enqueue");
        EXPECT_EQ(requests[i].body, bodies[sent[i]]) << i;
        EXPECT_EQ(requests[i].header("webhook-id"), finished.id);
    }
}

// Issue 21: a delivery context (an HA member's term) bounds the whole attempt.
TEST_F(webhook_notifier_test, the_context_deadline_cuts_a_request_before_the_notifiers_timeout) {
    server_.push({.action = scripted_reply::kind::hang});
    auto c = config();
    c.timeout = 10s;
    webhook_notifier n(c, client_, clock_);
    delivery_context context;
    const auto began = std::chrono::steady_clock::now();
    context.deadline = began + 300ms;
    const auto outcome = deliver(n, test::stalled_event(), context);
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_EQ(outcome.result, kind::retry);
    EXPECT_NE(outcome.detail.find("cut at the attempt's deadline"), std::string::npos)
        << outcome.detail;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 300ms + 400ms);  // not 10 s; stated slack for a loaded machine
}

TEST_F(webhook_notifier_test, past_the_context_deadline_nothing_is_sent) {
    webhook_notifier n(config(), client_, clock_);
    delivery_context context;
    context.deadline = std::chrono::steady_clock::now();
    const auto outcome = deliver(n, test::stalled_event(), context);
    EXPECT_EQ(outcome.result, kind::retry);
    EXPECT_EQ(outcome.detail, "not sent: past the attempt's deadline");
    EXPECT_TRUE(server_.requests().empty());
}

// A PagerDuty delivery of several messages (a finish resolves the stall, failure and
// recovery incidents) asks before each one: the term that lapsed (or
// ended) after the first stops the rest, and the attempt is retried whole later.
TEST_F(webhook_notifier_test, pagerduty_asks_the_context_before_each_message) {
    webhook_notifier n(as_pagerduty(config("/v2/enqueue")), client_, clock_);
    server_.push({.status = 202});
    delivery_context context;
    int asked = 0;
    context.may_continue = [&] { return ++asked == 1; };  // yes for the first message only
    const auto outcome = deliver(n, of_type(event_type::upgrade_finished), context);
    EXPECT_EQ(outcome.result, kind::retry);
    EXPECT_EQ(outcome.detail,
              "message 2 of 3: not sent: the attempt may not go on (an HA leadership term lapsed "
              "or ended)");
    EXPECT_EQ(asked, 2);
    EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(webhook_notifier_test, pagerduty_rejection_of_any_message_rejects_the_event) {
    webhook_notifier n(as_pagerduty(config("/v2/enqueue")), client_, clock_);
    server_.push({.status = 400});
    const auto outcome = deliver(n, of_type(event_type::upgrade_vanished));
    EXPECT_EQ(outcome.result, kind::rejected);
    EXPECT_EQ(outcome.detail, "message 1 of 3: HTTP 400");
    EXPECT_EQ(server_.requests().size(), 1u);
}

// The whole path: dispatcher, outbox, factory, webhook notifier, real HTTP.
class webhook_dispatch_test : public webhook_notifier_test {
  protected:
    using client_for = std::function<http_client&(const std::string& ca_file)>;

    std::unique_ptr<dispatcher> make(notifier_config c, client_for clients = {}) {
        notifier_deps deps;
        deps.executor = ioc_.get_executor();
        deps.clock = &clock_;
        deps.logger = logger_;
        deps.http_client_for = clients
                                   ? std::move(clients)
                                   : [this](const std::string&) -> http_client& { return client_; };
        return std::make_unique<dispatcher>(
            ioc_.get_executor(), std::vector<notifier_config>{std::move(c)}, store_.store(),
            std::vector<state::delivery_record>{}, clock_, logger_,
            [deps](const notifier_config& nc) { return make_notifier(nc, deps); });
    }

    test::store_harness store_{ioc_, state_.path()};
};

TEST_F(webhook_dispatch_test, retries_reuse_the_webhook_id_until_delivered) {
    server_.push({.status = 503});
    server_.push({.status = 502});
    server_.push({.status = 200});
    auto d = make(config());
    d->start();
    const event e = test::stalled_event();
    store_.submit(*d, e, {"ops"});
    ASSERT_TRUE(run_until([&] { return d->counters().at("ops").delivered == 1; }));
    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 3u);
    for (const auto& request : requests) {
        EXPECT_EQ(request.header("webhook-id"), e.id);
        EXPECT_EQ(request.body, format_generic(e));
    }
    EXPECT_EQ(d->counters().at("ops").retried, 2u);
    EXPECT_EQ(log_.str().find("s3cr3t"), std::string::npos) << log_.str();
}

TEST_F(webhook_dispatch_test, http_400_dead_letters_with_an_error_line_that_hides_the_url) {
    server_.push({.status = 400, .body = "bad payload"});
    auto d = make(config());
    d->start();
    store_.submit(*d, test::stalled_event(), {"ops"});
    ASSERT_TRUE(run_until([&] { return d->counters().at("ops").dead_lettered == 1; }));
    const auto dead = store_.rows(state::delivery_status::dead);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].last_error, "HTTP 400");
    const std::string log = log_.str();
    EXPECT_NE(log.find("error notify ops: dead-lettered upgrade_stalled for cluster prod-logs "
                       "node prod-logs-do-6tnm: HTTP 400"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("s3cr3t"), std::string::npos) << log;
    EXPECT_EQ(log.find("/hooks"), std::string::npos) << log;
}

TEST_F(webhook_dispatch_test, the_next_burst_of_deliveries_finds_the_first_bursts_connections) {
    // The daemon's wiring: one client per ca_file, keeping as many idle connections per
    // receiver as a notifier runs attempts at once. With a smaller pool (4, the client's
    // default) every burst opened new connections — TLS handshakes, and at a receiver with
    // a short listen backlog a SYN retried after 1 s.
    const std::size_t burst = dispatcher_options{}.max_in_flight;
    client_pool pool(ioc_.get_executor(), burst);
    server_.set_handler([](const auto&) { return scripted_reply{.status = 204, .delay = 50ms}; });
    auto d =
        make(config(), [&](const std::string& ca) -> http_client& { return pool.client_for(ca); });
    std::size_t after_first_burst = 0;
    for (std::size_t wave = 1; wave <= 2; ++wave) {
        for (std::size_t i = 0; i < burst; ++i) {
            const std::string cluster = "c" + std::to_string(i);
            store_.submit(*d,
                          test::simple_event(std::to_string(wave) + cluster, cluster,
                                             event_type::upgrade_started),
                          {"ops"});
        }
        if (wave == 1)
            d->start();  // the first burst's attempts all start at once: one connection each
        ASSERT_TRUE(run_until([&] { return d->counters().at("ops").delivered == wave * burst; }));
        if (wave == 1)
            after_first_burst = server_.connections_accepted();
    }
    EXPECT_EQ(after_first_burst, burst);
    EXPECT_EQ(server_.connections_accepted(), burst);  // the second burst opened none
}

}  // namespace
}  // namespace sesmon::notify
