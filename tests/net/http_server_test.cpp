// http_server over real loopback sockets: keep-alive, limits, fault injection, TLS, handler
// failures and graceful stop. The client side is plain POSIX sockets with receive
// timeouts, so a misbehaving server fails a test instead of hanging it.
#include "net/http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <future>
#include <thread>

#include "support/test_certs.hpp"

namespace sesmon::net {
namespace {

using namespace std::chrono_literals;

// A blocking loopback client connection (POSIX), 3 s receive timeout.
class raw_client {
  public:
    explicit raw_client(unsigned short port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{3, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~raw_client() { ::close(fd_); }
    bool connected() const { return connected_; }
    bool send(const std::string& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(bytes.size());
    }
    // Reads one response: head + Content-Length body. Empty when the connection closed or
    // timed out first.
    std::string read_response() {
        for (;;) {
            auto head_end = buffer_.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                auto cl = buffer_.find("Content-Length: ");
                std::size_t length = cl < head_end ? std::stoul(buffer_.substr(cl + 16)) : 0;
                if (buffer_.size() >= head_end + 4 + length) {
                    auto response = buffer_.substr(0, head_end + 4 + length);
                    buffer_.erase(0, head_end + 4 + length);
                    return response;
                }
            }
            if (!fill())
                return {};
        }
    }
    // True when the server closed the connection (EOF or reset) rather than timing out.
    bool closed_by_peer() {
        char c;
        auto n = ::recv(fd_, &c, 1, 0);
        return n == 0 || (n < 0 && errno == ECONNRESET);
    }

  private:
    bool fill() {
        char chunk[4096];
        auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }
    int fd_ = -1;
    bool connected_ = false;
    std::string buffer_;
};

int status_of(const std::string& response) {
    return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}
std::string body_of(const std::string& response) {
    return response.substr(response.find("\r\n\r\n") + 4);
}

class http_server_test : public ::testing::Test {
  protected:
    void start(http_server_options options = {}) {
        options.listen = "127.0.0.1:0";
        auto logger =
            std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>());
        server_ = std::make_unique<http_server>(
            io_.get_executor(), options,
            [this](server_request req) -> boost::asio::awaitable<server_response> {
                return handle(std::move(req));
            },
            logger);
        server_->start();
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        if (thread_.joinable()) {
            boost::asio::post(io_, [this] {
                server_->stop();
                io_.stop();
            });
            thread_.join();
        }
    }
    boost::asio::awaitable<server_response> handle(server_request req) {
        ++handled_;
        if (req.path() == "/throw")
            throw std::runtime_error("boom");
        if (req.path() == "/hold") {  // busy until release_holds()
            boost::asio::steady_timer hold(io_, std::chrono::seconds(10));
            holds_.push_back(&hold);
            co_await hold.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
            std::erase(holds_, &hold);
        }
        server_response res;
        res.headers = {{"Content-Type", "text/plain"}};
        res.body = req.method + " " + req.target + " " + req.body + " from " + req.remote;
        if (req.path() == "/slow") {
            res.fault = server_response::fault_kind::slow;
            res.slow_chunk_delay = 100ms;
            res.slow_chunk_bytes = 4;
            res.body = "0123456789abcdef";  // 4 chunks → ≥ 400 ms
        }
        co_return res;
    }
    std::string get(const std::string& target) {
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    // Ends every /hold request; waits until `n` were held first (the handler runs them).
    bool release_holds(std::size_t n) {
        for (int i = 0; i < 300; ++i) {
            std::promise<std::size_t> held;
            boost::asio::post(io_, [&] {
                if (holds_.size() >= n) {
                    for (auto* h : holds_)
                        h->cancel();
                }
                held.set_value(holds_.size());
            });
            if (held.get_future().get() >= n)
                return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    bool held(std::size_t n) {
        for (int i = 0; i < 300; ++i) {
            std::promise<std::size_t> count;
            boost::asio::post(io_, [&] { count.set_value(holds_.size()); });
            if (count.get_future().get() >= n)
                return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }

    boost::asio::io_context io_;
    std::unique_ptr<http_server> server_;
    std::thread thread_;
    std::atomic<int> handled_{0};
    std::vector<boost::asio::steady_timer*> holds_;  // the io thread's only
};

TEST_F(http_server_test, serves_requests_and_reports_its_port) {
    start();
    ASSERT_NE(server_->port(), 0);
    EXPECT_EQ(server_->scheme(), "http");
    raw_client c(server_->port());
    ASSERT_TRUE(c.send("POST /echo?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
    auto r = c.read_response();
    EXPECT_EQ(status_of(r), 200);
    EXPECT_EQ(body_of(r).rfind("POST /echo?x=1 hello from 127.0.0.1:", 0), 0u) << r;
}

TEST_F(http_server_test, keep_alive_serves_several_requests_on_one_connection) {
    start();
    raw_client c(server_->port());
    ASSERT_TRUE(c.send(get("/a") + get("/b")));  // pipelined
    auto a = c.read_response(), b = c.read_response();
    EXPECT_EQ(body_of(a).substr(0, 7), "GET /a ");
    EXPECT_EQ(body_of(b).substr(0, 7), "GET /b ");
    // Same peer address and port: one connection.
    EXPECT_EQ(body_of(a).substr(body_of(a).find(" from ")),
              body_of(b).substr(body_of(b).find(" from ")));
    ASSERT_TRUE(c.send(get("/c")));
    EXPECT_EQ(status_of(c.read_response()), 200);
}

TEST_F(http_server_test, connection_close_is_honoured_and_keep_alive_can_be_disabled) {
    http_server_options o;
    o.keep_alive = false;
    start(o);
    raw_client c(server_->port());
    ASSERT_TRUE(c.send(get("/a")));
    auto r = c.read_response();
    EXPECT_NE(r.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(http_server_test, oversized_header_gets_431) {
    http_server_options o;
    o.max_header_bytes = 1024;
    start(o);
    raw_client c(server_->port());
    ASSERT_TRUE(
        c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n"));
    EXPECT_EQ(status_of(c.read_response()), 431);
    EXPECT_EQ(handled_, 0);
}

TEST_F(http_server_test, oversized_body_gets_413) {
    http_server_options o;
    o.max_body_bytes = 100;
    start(o);
    raw_client c(server_->port());
    ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
                       std::string(1000, 'b')));
    EXPECT_EQ(status_of(c.read_response()), 413);
    EXPECT_EQ(handled_, 0);
}

TEST_F(http_server_test, malformed_request_gets_400) {
    start();
    raw_client c(server_->port());
    ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
    EXPECT_EQ(status_of(c.read_response()), 400);
}

TEST_F(http_server_test, at_the_limit_a_new_connection_closes_the_oldest_idle_one) {
    http_server_options o;
    o.max_connections = 2;
    start(o);
    raw_client a(server_->port()), b(server_->port());
    ASSERT_TRUE(a.send(get("/a")) && b.send(get("/b")));
    ASSERT_EQ(status_of(a.read_response()), 200);
    ASSERT_EQ(status_of(b.read_response()), 200);
    // Both wait for a next request (keep-alive): the third closes the older, a.
    raw_client third(server_->port());
    ASSERT_TRUE(third.send(get("/c")));
    EXPECT_EQ(status_of(third.read_response()), 200);
    EXPECT_TRUE(a.closed_by_peer());
    ASSERT_TRUE(b.send(get("/b2")));
    EXPECT_EQ(status_of(b.read_response()), 200) << "the younger one stays";
    EXPECT_EQ(handled_, 4);
}

TEST_F(http_server_test, when_every_connection_is_busy_the_reserve_serves_only_its_paths) {
    http_server_options o;
    o.max_connections = 2;
    o.reserved_connections = 1;
    o.reserved_paths = {"/healthz", "/hold"};
    start(o);
    raw_client a(server_->port()), b(server_->port());
    ASSERT_TRUE(a.send(get("/hold")) && b.send(get("/hold")));
    ASSERT_TRUE(held(2));  // both slots busy, nothing to close

    {
        raw_client other(server_->port());
        ASSERT_TRUE(other.send(get("/api")));
        const std::string busy = other.read_response();
        EXPECT_EQ(status_of(busy), 503) << busy;
        EXPECT_NE(busy.find("Retry-After: 1"), std::string::npos) << busy;
        EXPECT_TRUE(other.closed_by_peer());
    }
    raw_client health(server_->port());
    ASSERT_TRUE(health.send(get("/healthz")));
    EXPECT_EQ(status_of(health.read_response()), 200);

    // The reserve held too (a reserved path that is slow): the next is closed unanswered.
    ASSERT_TRUE(health.send(get("/hold")));
    ASSERT_TRUE(held(3));
    raw_client beyond(server_->port());
    beyond.send(get("/healthz"));
    EXPECT_EQ(beyond.read_response(), "");

    ASSERT_TRUE(release_holds(3));
    EXPECT_EQ(status_of(a.read_response()), 200);
    EXPECT_EQ(status_of(b.read_response()), 200);
    EXPECT_EQ(status_of(health.read_response()), 200);
}

// Both sides of header_timeout: headers a byte at a time within it are served; a client
// that stops sending is closed once it has passed (not after read_timeout).
TEST_F(http_server_test,
       a_client_that_does_not_finish_its_headers_is_closed_at_the_header_timeout) {
    http_server_options o;
    o.header_timeout = 1500ms;
    o.read_timeout = 30s;
    start(o);
    raw_client slow(server_->port());
    for (const char c : get("/slow-but-in-time")) {
        ASSERT_TRUE(slow.send(std::string(1, c)));
        std::this_thread::sleep_for(15ms);  // ≈ 35 bytes: 0.5 s, a third of the timeout
    }
    EXPECT_EQ(status_of(slow.read_response()), 200);

    raw_client stalled(server_->port());
    ASSERT_TRUE(stalled.send("GET / HTTP/1.1\r\nHost: x\r\n"));  // and nothing more
    const auto began = std::chrono::steady_clock::now();
    EXPECT_TRUE(stalled.closed_by_peer());  // the client's own receive timeout is 3 s
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_GT(took, 1s) << "closed by the header timeout, not at once";
    EXPECT_LT(took, 2900ms);
    EXPECT_EQ(handled_, 1);
}

TEST_F(http_server_test, handler_exception_answers_500_and_server_keeps_serving) {
    start();
    raw_client c(server_->port());
    ASSERT_TRUE(c.send(get("/throw")));
    EXPECT_EQ(status_of(c.read_response()), 500);
    raw_client d(server_->port());
    ASSERT_TRUE(d.send(get("/fine")));
    EXPECT_EQ(status_of(d.read_response()), 200);
}

TEST_F(http_server_test, graceful_stop_finishes_in_flight_response_and_closes_idle) {
    start();
    raw_client idle(server_->port());
    ASSERT_TRUE(idle.send(get("/first")));
    ASSERT_EQ(status_of(idle.read_response()), 200);  // now idle on keep-alive
    raw_client busy(server_->port());
    ASSERT_TRUE(busy.send(get("/slow")));
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (handled_ < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_EQ(handled_, 2);
    boost::asio::post(io_, [this] { server_->stop(); });
    auto r = busy.read_response();
    EXPECT_EQ(body_of(r), "0123456789abcdef");
    EXPECT_TRUE(busy.closed_by_peer());  // closed after the in-flight response
    EXPECT_TRUE(idle.closed_by_peer());
    // Nothing else holds the io_context: run() returns by itself.
    thread_.join();
    EXPECT_EQ(server_->connection_count(), 0u);
    raw_client late(server_->port());
    EXPECT_FALSE(late.connected());
}

TEST_F(http_server_test, serves_tls_with_a_pem_certificate) {
    if (!sesmon::test::have_openssl_cli())
        GTEST_SKIP() << "no openssl command line";
    if (sesmon::test::run_shell("command -v curl >/dev/null && echo yes").output != "yes\n") {
        GTEST_SKIP() << "no curl";
    }
    sesmon::test::temp_dir dir;
    auto cert = sesmon::test::make_self_signed_certificate(dir.path(), "server", {"IP:127.0.0.1"});
    http_server_options o;
    o.tls_cert_file = cert.cert_file.string();
    o.tls_key_file = cert.key_file.string();
    start(o);
    EXPECT_EQ(server_->scheme(), "https");
    auto result = sesmon::test::run_shell(
        "curl -sS --max-time 5 --cacert " + sesmon::test::shell_quote(cert.cert_file.string()) +
        " https://127.0.0.1:" + std::to_string(server_->port()) + "/tls 2>&1");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output.rfind("GET /tls ", 0), 0u) << result.output;
}

TEST(http_server_options_test, bad_listen_address_is_rejected) {
    boost::asio::io_context io;
    auto logger =
        std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>());
    auto handler = [](server_request) -> boost::asio::awaitable<server_response> {
        co_return server_response{};
    };
    http_server_options o;
    o.listen = "not-an-address";
    EXPECT_THROW(http_server(io.get_executor(), o, handler, logger), std::invalid_argument);
    o.listen = "example.com:80";
    EXPECT_THROW(http_server(io.get_executor(), o, handler, logger), std::invalid_argument);
}

TEST(server_request_test, query_params_and_headers) {
    server_request req;
    req.target = "/p/q?pageNo=2&pageSize=20&flag";
    req.headers = {{"X-Thing", "v"}};
    EXPECT_EQ(req.path(), "/p/q");
    EXPECT_EQ(req.query_param("pageNo"), "2");
    EXPECT_EQ(req.query_param("pageSize"), "20");
    EXPECT_EQ(req.query_param("flag"), "");
    EXPECT_EQ(req.query_param("nope"), std::nullopt);
    EXPECT_EQ(req.header("x-thing"), "v");
}

}  // namespace
}  // namespace sesmon::net
