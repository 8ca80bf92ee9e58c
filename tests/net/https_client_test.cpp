// net::https_client against the scripted loopback server: keep-alive, stale connections,
// deadlines, resets, size cap, TLS verification, and error statuses as plain responses.
#include "net/https_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "support/run_awaitable.hpp"
#include "support/scripted_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::net {
namespace {

using namespace std::chrono_literals;
using test::scripted_reply;
using test::scripted_server;

class https_client_test : public ::testing::Test {
  protected:
    http_result send(https_client& client, http_request request) {
        return test::run_awaitable(ioc_, client.send(std::move(request)));
    }
    http_result get(https_client& client, const std::string& url,
                    duration timeout = std::chrono::seconds(5)) {
        return send(client, http_request{.method = "GET", .url = url, .timeout = timeout});
    }
    // A certificate for 127.0.0.1, and a client that trusts it.
    test::test_certificate loopback_certificate() {
        return test::make_self_signed_certificate(dir_.path(), "loopback",
                                                  {"IP:127.0.0.1", "DNS:localhost"});
    }

    boost::asio::io_context ioc_;
    test::temp_dir dir_;
};

TEST_F(https_client_test, plain_keep_alive_reuses_one_connection_for_two_requests) {
    scripted_server server;
    server.push({.body = "one"});
    server.push({.body = "two"});
    https_client client(ioc_.get_executor());

    auto first = get(client, server.base_url() + "/a");
    auto second = get(client, server.base_url() + "/b");

    ASSERT_TRUE(first) << first.error().message;
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(first->body, "one");
    EXPECT_EQ(second->body, "two");
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(server.connections_accepted(), 1u);
    EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(https_client_test, tls_keep_alive_reuses_one_connection_for_two_requests) {
    const auto cert = loopback_certificate();
    scripted_server server({.tls = true, .certificate = cert});
    server.push({.body = "one"});
    server.push({.body = "two"});
    https_client client(ioc_.get_executor(), {.ca_file = cert.cert_file.string()});

    auto first = get(client, server.base_url() + "/a");
    auto second = get(client, server.base_url() + "/b");

    ASSERT_TRUE(first) << first.error().message;
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->body, "two");
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(https_client_test, connection_close_response_is_not_reused) {
    scripted_server server;
    server.push({.body = "one", .keep_alive = false});
    server.push({.body = "two"});
    https_client client(ioc_.get_executor());

    ASSERT_TRUE(get(client, server.base_url() + "/a"));
    auto second = get(client, server.base_url() + "/b");

    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(client.connections_opened(), 2u);
}

TEST_F(https_client_test, idle_connection_closed_by_server_is_retried_once_on_a_fresh_one) {
    scripted_server server;
    server.push({.body = "one", .close_after = true});  // keep-alive announced, then closed
    server.push({.body = "two"});
    https_client client(ioc_.get_executor());

    ASSERT_TRUE(get(client, server.base_url() + "/a"));
    auto second = get(client, server.base_url() + "/b");

    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->body, "two");
    EXPECT_EQ(client.connections_opened(), 2u);
    EXPECT_EQ(server.requests().size(), 2u);  // the retried request reached the server once
}

TEST_F(https_client_test, tls_idle_connection_closed_by_server_is_retried_on_a_fresh_one) {
    const auto cert = loopback_certificate();
    scripted_server server({.tls = true, .certificate = cert});
    server.push({.body = "one", .close_after = true});
    server.push({.body = "two"});
    https_client client(ioc_.get_executor(), {.ca_file = cert.cert_file.string()});

    ASSERT_TRUE(get(client, server.base_url() + "/a"));
    auto second = get(client, server.base_url() + "/b");

    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->body, "two");
    EXPECT_EQ(client.connections_opened(), 2u);
}

TEST_F(https_client_test, fresh_connection_closed_without_answer_is_not_retried) {
    scripted_server server;
    server.push({.action = scripted_reply::kind::close});
    server.push({.body = "must not be reached"});
    https_client client(ioc_.get_executor());

    auto result = get(client, server.base_url() + "/a");

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::reset);
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(https_client_test, server_that_never_answers_times_out_within_the_budget) {
    scripted_server server;
    server.push({.action = scripted_reply::kind::hang});
    https_client client(ioc_.get_executor());

    const auto start = std::chrono::steady_clock::now();
    auto result = get(client, server.base_url() + "/slow", 300ms);
    const auto elapsed = std::chrono::steady_clock::now() - start;

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::timeout);
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 3s);
}

TEST_F(https_client_test, deadline_covers_a_tls_handshake_that_never_completes) {
    // A listening socket that never accepts: TCP connects (kernel backlog), TLS never starts.
    boost::asio::io_context other;
    boost::asio::ip::tcp::acceptor silent(other, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = silent.local_endpoint().port();
    https_client client(ioc_.get_executor());

    const auto start = std::chrono::steady_clock::now();
    auto result = get(client, "https://127.0.0.1:" + std::to_string(port) + "/", 300ms);

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::timeout);
    EXPECT_NE(result.error().message.find("TLS handshake"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(https_client_test, reset_mid_body_is_a_reset_error_naming_only_the_origin) {
    scripted_server server;
    server.push({.action = scripted_reply::kind::reset_mid_body, .body = std::string(4000, 'x')});
    https_client client(ioc_.get_executor());

    auto result = get(client, server.base_url() + "/hooks/secret-token");

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::reset);
    EXPECT_NE(result.error().message.find(server.base_url()), std::string::npos);
    EXPECT_EQ(result.error().message.find("secret-token"), std::string::npos);
}

TEST_F(https_client_test, body_over_the_cap_is_refused) {
    scripted_server server;
    server.push({.body = std::string(5000, 'x')});
    https_client client(ioc_.get_executor(), {.max_body_bytes = 1000});

    auto result = get(client, server.base_url() + "/big");

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::body_too_large);
}

TEST_F(https_client_test, body_at_the_cap_is_accepted) {
    scripted_server server;
    server.push({.body = std::string(1000, 'x')});
    https_client client(ioc_.get_executor(), {.max_body_bytes = 1000});

    auto result = get(client, server.base_url() + "/exact");

    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->body.size(), 1000u);
}

TEST_F(https_client_test, certificate_for_another_host_is_a_tls_error) {
    const auto cert =
        test::make_self_signed_certificate(dir_.path(), "other", {"DNS:other.example"});
    scripted_server server({.tls = true, .certificate = cert});
    https_client client(ioc_.get_executor(), {.ca_file = cert.cert_file.string()});

    auto result = get(client, server.base_url() + "/");

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::tls);
    EXPECT_NE(result.error().message.find("mismatch"), std::string::npos) << result.error().message;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(https_client_test, untrusted_certificate_is_a_tls_error) {
    const auto cert = loopback_certificate();
    scripted_server server({.tls = true, .certificate = cert});
    https_client client(ioc_.get_executor());  // no ca_file: only the system store

    auto result = get(client, server.base_url() + "/");

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::tls);
    EXPECT_NE(result.error().message.find("rejected"), std::string::npos) << result.error().message;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(https_client_test, missing_ca_file_throws_at_construction) {
    EXPECT_THROW(https_client(ioc_.get_executor(), {.ca_file = "/nonexistent/ca.pem"}),
                 std::runtime_error);
}

TEST_F(https_client_test, plain_http_to_a_non_loopback_host_is_refused_without_the_path) {
    https_client client(ioc_.get_executor());

    auto result = get(client, "http://example.com/hooks/secret-token");

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::invalid_url);
    EXPECT_EQ(result.error().message.find("secret-token"), std::string::npos);
    EXPECT_EQ(client.connections_opened(), 0u);
}

TEST_F(https_client_test, unparsable_url_is_invalid_url) {
    https_client client(ioc_.get_executor());
    auto result = get(client, "ftp://127.0.0.1/x");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::invalid_url);
}

TEST_F(https_client_test, refused_connection_is_a_connect_error) {
    std::uint16_t port = 0;
    {
        boost::asio::ip::tcp::acceptor probe(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = probe.local_endpoint().port();
    }  // closed: nothing listens there now
    https_client client(ioc_.get_executor());

    auto result = get(client, "http://127.0.0.1:" + std::to_string(port) + "/");

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::connect);
}

TEST_F(https_client_test, error_statuses_come_back_as_responses_with_body_and_headers) {
    const auto cert = loopback_certificate();
    scripted_server server({.tls = true, .certificate = cert});
    server.push({.status = 401, .body = R"({"error":{"errorCode":"200"}})"});
    server.push({.status = 429, .headers = {{"Retry-After", "7"}}, .body = "slow down"});
    server.push({.status = 503, .body = "unavailable"});
    https_client client(ioc_.get_executor(), {.ca_file = cert.cert_file.string()});

    auto unauthorized = get(client, server.base_url() + "/");
    auto throttled = get(client, server.base_url() + "/");
    auto unavailable = get(client, server.base_url() + "/");

    ASSERT_TRUE(unauthorized && throttled && unavailable);
    EXPECT_EQ(unauthorized->status, 401);
    EXPECT_EQ(unauthorized->body, R"({"error":{"errorCode":"200"}})");
    EXPECT_EQ(throttled->status, 429);
    EXPECT_EQ(throttled->header("retry-after"), "7");
    EXPECT_EQ(unavailable->status, 503);
    EXPECT_EQ(unavailable->body, "unavailable");
}

TEST_F(https_client_test, garbage_instead_of_http_is_a_protocol_error) {
    scripted_server server;
    server.push({.action = scripted_reply::kind::raw,
                 .raw = "SSH-2.0-OpenSSH\r\n\r\n",
                 .keep_alive = false});
    https_client client(ioc_.get_executor());

    auto result = get(client, server.base_url() + "/");

    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, http_error_kind::protocol);
}

TEST_F(https_client_test, post_sends_body_host_and_default_user_agent) {
    scripted_server server;
    server.push({.body = "ok"});
    https_client client(ioc_.get_executor());

    auto result = send(client, {.method = "POST",
                                .url = server.base_url() + "/api?x=1",
                                .headers = {{"Content-Type", "application/json"}},
                                .body = R"({"a":1})"});

    ASSERT_TRUE(result) << result.error().message;
    const auto request = server.requests().at(0);
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/api?x=1");
    EXPECT_EQ(request.body, R"({"a":1})");
    EXPECT_EQ(request.header("Content-Type"), "application/json");
    EXPECT_EQ(request.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(request.header("User-Agent").rfind("ses-upgrade-monitor/", 0), 0u);
}

TEST_F(https_client_test, caller_user_agent_is_kept) {
    scripted_server server;
    server.push({.body = "ok"});
    https_client client(ioc_.get_executor());

    ASSERT_TRUE(
        send(client, {.url = server.base_url() + "/", .headers = {{"user-agent", "custom/1"}}}));

    EXPECT_EQ(server.requests().at(0).header("User-Agent"), "custom/1");
}

TEST_F(https_client_test, idle_connections_beyond_the_limit_are_closed) {
    scripted_server server;
    server.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = "ok", .delay = 50ms}; });
    https_client client(ioc_.get_executor(), {.max_idle_connections_per_host = 1});

    // Three concurrent requests need three connections; only one stays pooled.
    auto three = [&]() -> boost::asio::awaitable<int> {
        using namespace boost::asio::experimental::awaitable_operators;
        // Named values, not temporaries, in the co_await: GCC 12 mishandles aggregate
        // temporaries inside co_await expressions (double destruction).
        http_request request;
        request.url = server.base_url() + "/";
        auto first = client.send(request);
        auto second = client.send(request);
        auto third = client.send(request);
        auto [a, b, c] = co_await (std::move(first) && std::move(second) && std::move(third));
        co_return (a ? 1 : 0) + (b ? 1 : 0) + (c ? 1 : 0);
    };
    EXPECT_EQ(test::run_awaitable(ioc_, three()), 3);
    EXPECT_EQ(client.connections_opened(), 3u);
    EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(https_client_test,
       a_pool_sized_to_the_concurrency_opens_no_connection_after_the_first_wave) {
    const auto cert = loopback_certificate();
    scripted_server server({.tls = true, .certificate = cert});
    server.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = "ok", .delay = 50ms}; });
    int opened = 0;
    https_client client(ioc_.get_executor(), {.ca_file = cert.cert_file.string(),
                                              .max_idle_connections_per_host = 3,
                                              .on_connection_opened = [&] { ++opened; }});

    // Three at once, three times, to different paths of one origin: only the first wave
    // connects (and shakes hands); the others find every connection back in the pool.
    auto wave = [&](int n) -> boost::asio::awaitable<int> {
        using namespace boost::asio::experimental::awaitable_operators;
        http_request a{.url = server.base_url() + "/a" + std::to_string(n)};
        http_request b{.url = server.base_url() + "/b"};
        http_request c{.url = server.base_url() + "/c?x=" + std::to_string(n)};
        auto first = client.send(a);
        auto second = client.send(b);
        auto third = client.send(c);
        auto [ra, rb, rc] = co_await (std::move(first) && std::move(second) && std::move(third));
        co_return (ra ? 1 : 0) + (rb ? 1 : 0) + (rc ? 1 : 0);
    };
    for (int n = 0; n < 3; ++n) {
        EXPECT_EQ(test::run_awaitable(ioc_, wave(n)), 3);
    }
    EXPECT_EQ(client.connections_opened(), 3u);
    EXPECT_EQ(opened, 3);
    EXPECT_EQ(server.connections_accepted(), 3u);
    EXPECT_EQ(client.idle_connections(), 3u);
    EXPECT_EQ(server.requests().size(), 9u);
    // The three of a wave travel on three connections, so they may arrive in any order.
    const auto requests = server.requests();
    EXPECT_EQ(std::count_if(requests.begin(), requests.end(),
                            [](const auto& r) { return r.target == "/c?x=2"; }),
              1);
}

}  // namespace
}  // namespace sesmon::net
