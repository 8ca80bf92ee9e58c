// net::connection_pool beyond what https_client_test covers: the connect budget against a
// black-holed port, which requests may be sent twice (idempotent ones; others only when the
// peer closed a pooled connection before answering), idle connections closed by the timer,
// and line streams.
#include "net/connection_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "support/blackhole.hpp"
#include "support/run_awaitable.hpp"
#include "support/scripted_server.hpp"

namespace sesmon::net {
namespace {

using namespace std::chrono_literals;
using test::scripted_reply;
using test::scripted_server;
using steady = std::chrono::steady_clock;

class connection_pool_test : public ::testing::Test {
  protected:
    http_result send(connection_pool& pool, http_request r, send_options o = {}) {
        return test::run_awaitable(io_, pool.send(std::move(r), o));
    }
    boost::asio::io_context io_;
};

TEST_F(connection_pool_test, a_black_holed_port_costs_the_connect_budget_not_the_deadline) {
    test::blackhole hole;
    connection_pool pool(io_.get_executor());
    const auto start = steady::now();
    auto r = send(pool, {.method = "POST", .url = hole.url() + "/v3/kv/range", .timeout = 10s},
                  {.connect_timeout = 300ms});
    const auto took = steady::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, http_error_kind::timeout) << r.error().message;
    EXPECT_FALSE(r.error().request_sent);  // safe to send elsewhere
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 3s);  // not the 10 s deadline (slack for a loaded machine)
}

TEST_F(connection_pool_test, an_idempotent_request_is_tried_again_after_a_broken_answer) {
    scripted_server server;
    server.push({.action = scripted_reply::kind::reset_mid_body, .body = "part of an answer"});
    server.push({.body = "whole"});
    connection_pool pool(io_.get_executor());
    auto r = send(pool, {.method = "POST", .url = server.base_url() + "/read", .timeout = 5s},
                  {.idempotent = true});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->body, "whole");
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(connection_pool_test, any_other_request_that_may_have_been_acted_on_is_sent_once) {
    scripted_server server;
    server.push({.action = scripted_reply::kind::reset_mid_body, .body = "part of an answer"});
    server.push({.body = "must not be reached"});
    connection_pool pool(io_.get_executor());
    auto r = send(pool, {.method = "POST", .url = server.base_url() + "/campaign", .timeout = 5s});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().request_sent);
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(connection_pool_test, a_stale_pooled_connection_is_replaced_for_any_request) {
    scripted_server server;
    server.push({.body = "one", .close_after = true});  // keep-alive announced, then closed
    server.push({.body = "two"});
    connection_pool pool(io_.get_executor());
    ASSERT_TRUE(send(pool, {.method = "POST", .url = server.base_url() + "/a"}));
    auto second = send(pool, {.method = "POST", .url = server.base_url() + "/b"});
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->body, "two");
    EXPECT_EQ(server.requests().size(), 2u);  // each reached the server once
}

// What etcd_transport never did: a connection to an endpoint left behind (the requests went
// elsewhere) is closed once idle for idle_timeout, by the requests to the others.
TEST_F(connection_pool_test, idle_connections_of_an_origin_left_behind_are_closed) {
    scripted_server left, used;
    left.push({.body = "one"});
    used.set_handler([](const test::recorded_request&) { return scripted_reply{.body = "ok"}; });
    connection_pool pool(io_.get_executor(), {.idle_timeout = 200ms});
    ASSERT_TRUE(send(pool, {.url = left.base_url() + "/"}));
    ASSERT_TRUE(send(pool, {.url = used.base_url() + "/"}));
    EXPECT_EQ(pool.idle_connections(), 2u);
    std::this_thread::sleep_for(300ms);  // past idle_timeout: the next request walks the pool
    ASSERT_TRUE(send(pool, {.url = used.base_url() + "/"}));
    EXPECT_EQ(pool.idle_connections(), 1u);  // `used`'s, just returned
}

TEST_F(connection_pool_test, a_line_stream_hands_over_each_line_then_says_the_body_ended) {
    scripted_server server;
    server.push({.action = scripted_reply::kind::raw,
                 .raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "6\r\nfirst\n\r\n"
                        "3\r\nsec\r\n"          // a line split over two chunks,
                        "7\r\nond\r\n\n\n\r\n"  // CRLF ended; blank lines are skipped
                        "0\r\n\r\n"});
    connection_pool pool(io_.get_executor());
    auto opened = test::run_awaitable(
        io_, pool.open_stream({.method = "POST", .url = server.base_url() + "/v3/watch"}));
    ASSERT_TRUE(opened) << opened.error().message;
    ASSERT_TRUE(opened->stream);
    auto& stream = *opened->stream;
    std::vector<std::string> lines;
    for (;;) {
        auto line = test::run_awaitable(io_, stream.next(2s));
        if (!line) {
            EXPECT_NE(line.error().message.find("ended by the server"), std::string::npos)
                << line.error().message;
            break;
        }
        lines.push_back(*line);
    }
    EXPECT_EQ(lines, (std::vector<std::string>{"first", "second"}));
}

TEST_F(connection_pool_test, a_stream_that_is_refused_comes_back_as_the_answer) {
    scripted_server server;
    server.push({.status = 503, .body = R"({"error":"etcdserver: no leader","code":14})"});
    connection_pool pool(io_.get_executor());
    auto opened = test::run_awaitable(
        io_, pool.open_stream({.method = "POST", .url = server.base_url() + "/v3/watch"}));
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_FALSE(opened->stream);
    EXPECT_EQ(opened->refused.status, 503);
    EXPECT_NE(opened->refused.body.find("no leader"), std::string::npos);
}

TEST_F(connection_pool_test, a_quiet_stream_times_out_and_cancel_ends_it) {
    scripted_server server;
    server.push({.action = scripted_reply::kind::raw,
                 .raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                 .keep_alive = true});
    connection_pool pool(io_.get_executor());
    auto opened = test::run_awaitable(
        io_, pool.open_stream({.method = "POST", .url = server.base_url() + "/v3/watch"}));
    ASSERT_TRUE(opened && opened->stream);
    auto idle = test::run_awaitable(io_, opened->stream->next(150ms));
    ASSERT_FALSE(idle);
    EXPECT_EQ(idle.error().kind, http_error_kind::timeout);
    opened->stream->cancel();
    auto after = test::run_awaitable(io_, opened->stream->next(1s));
    ASSERT_FALSE(after);
    EXPECT_NE(after.error().message.find("cancelled"), std::string::npos);
}

TEST_F(connection_pool_test, an_unreadable_client_key_is_a_start_up_error_naming_the_file) {
    test::temp_dir dir;
    const auto cert = test::make_self_signed_certificate(dir.path(), "c", {"DNS:c"});
    try {
        connection_pool pool(io_.get_executor(), {.cert_file = cert.cert_file.string(),
                                                  .key_file = "/nonexistent.key"});
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent.key"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace sesmon::net
