// net::resolver (c-ares on the event loop) against a scripted DNS server on 127.0.0.1, and
// https_client resolving names through it: a server that never answers ends a lookup at its
// deadline and holds up no other lookup.
#include "net/resolver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "net/https_client.hpp"
#include "support/run_awaitable.hpp"
#include "support/scripted_dns.hpp"
#include "support/scripted_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::net {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

class resolver_test : public ::testing::Test {
  protected:
    resolver_options options() {
        resolver_options o;
        o.servers = {dns_.server()};
        return o;
    }
    resolve_result resolve(resolver& r, const std::string& host, duration budget) {
        return test::run_awaitable(ioc_, r.resolve(host, 8443, clock_type::now() + budget), 10s);
    }

    boost::asio::io_context ioc_;
    test::scripted_dns dns_{{{"ok.test", "127.0.0.1"}, {"other.test", "127.0.0.2"}}};
};

TEST_F(resolver_test, resolves_a_name_the_server_answers) {
    resolver r(ioc_.get_executor(), options());
    const auto result = resolve(r, "ok.test", 2s);
    ASSERT_TRUE(result.ok()) << result.error;
    ASSERT_EQ(result.endpoints.size(), 1u);
    EXPECT_EQ(result.endpoints[0].address().to_string(), "127.0.0.1");
    EXPECT_EQ(result.endpoints[0].port(), 8443);
}

TEST_F(resolver_test, a_lookup_the_server_never_answers_ends_at_the_deadline) {
    resolver r(ioc_.get_executor(), options());  // c-ares alone would try for 2 × 2 s
    const auto began = clock_type::now();
    const auto result = resolve(r, "hang.test", 300ms);
    const auto took = clock_type::now() - began;
    EXPECT_TRUE(result.timed_out);
    EXPECT_FALSE(result.ok());
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 1s);
    EXPECT_GE(dns_.queries("hang.test"), 1u);
}

TEST_F(resolver_test, hung_lookups_do_not_hold_up_other_lookups) {
    resolver r(ioc_.get_executor(), options());
    const auto began = clock_type::now();
    int hung_done = 0;
    for (int i = 0; i < 8; ++i) {
        boost::asio::co_spawn(ioc_, r.resolve("hang.test", 443, began + 3s),
                              [&](std::exception_ptr, resolve_result result) {
                                  EXPECT_TRUE(result.timed_out);
                                  ++hung_done;
                              });
    }
    std::optional<resolve_result> answered;
    clock_type::duration answered_after{};
    boost::asio::co_spawn(ioc_, r.resolve("ok.test", 443, began + 3s),
                          [&](std::exception_ptr, resolve_result result) {
                              answered = std::move(result);
                              answered_after = clock_type::now() - began;
                          });
    while (!answered && clock_type::now() < began + 5s)
        ioc_.run_one_for(50ms);
    ASSERT_TRUE(answered);
    EXPECT_TRUE(answered->ok()) << answered->error;
    EXPECT_LT(answered_after, 1s);  // not behind the eight hung lookups
    EXPECT_EQ(hung_done, 0);        // which are still waiting
    while (hung_done < 8 && clock_type::now() < began + 6s)
        ioc_.run_one_for(50ms);
    EXPECT_EQ(hung_done, 8);
}

TEST_F(resolver_test, ip_literals_and_etc_hosts_need_no_server) {
    resolver r(ioc_.get_executor(), options());
    const auto v4 = resolve(r, "127.0.0.1", 1s);
    const auto v6 = resolve(r, "::1", 1s);
    ASSERT_TRUE(v4.ok() && v6.ok());
    EXPECT_EQ(v4.endpoints.at(0).address().to_string(), "127.0.0.1");
    EXPECT_EQ(v6.endpoints.at(0).address().to_string(), "::1");
    const auto localhost = resolve(r, "localhost", 1s);  // /etc/hosts
    ASSERT_TRUE(localhost.ok()) << localhost.error;
    EXPECT_TRUE(localhost.endpoints.at(0).address().is_loopback());
    EXPECT_EQ(dns_.queries("localhost"), 0u);
}

TEST_F(resolver_test, destroying_the_resolver_ends_its_pending_lookups) {
    std::optional<resolve_result> result;
    {
        resolver r(ioc_.get_executor(), options());
        boost::asio::co_spawn(ioc_, r.resolve("hang.test", 443, clock_type::now() + 10s),
                              [&](std::exception_ptr, resolve_result out) { result = out; });
        ioc_.run_for(100ms);
        ASSERT_FALSE(result);
    }
    ioc_.restart();
    ioc_.run_for(500ms);
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->ok());
    EXPECT_FALSE(result->timed_out);
}

TEST_F(resolver_test, https_client_resolves_names_and_its_deadline_covers_the_lookup) {
    test::temp_dir dir;
    const auto cert = test::make_self_signed_certificate(dir.path(), "ok", {"DNS:ok.test"});
    test::scripted_server server({.tls = true, .certificate = cert});
    server.push({.status = 200, .body = "hello"});
    https_client client(ioc_.get_executor(),
                        {.ca_file = cert.cert_file.string(), .dns = options()});
    const std::string port = std::to_string(server.port());

    auto ok = test::run_awaitable(
        ioc_,
        client.send({.method = "GET", .url = "https://ok.test:" + port + "/", .timeout = 5s}));
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->body, "hello");

    const auto began = clock_type::now();
    auto hung = test::run_awaitable(
        ioc_,
        client.send({.method = "GET", .url = "https://hang.test:" + port + "/", .timeout = 300ms}));
    ASSERT_FALSE(hung);
    EXPECT_EQ(hung.error().kind, http_error_kind::timeout) << hung.error().message;
    EXPECT_LT(clock_type::now() - began, 1s);
}

}  // namespace
}  // namespace sesmon::net
