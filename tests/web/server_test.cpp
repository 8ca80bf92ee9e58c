// The router behind the real net::http_server, over loopback.
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "exposition_check.hpp"
#include "net/http_server.hpp"
#include "sample_view.hpp"
#include "web/routes.hpp"

namespace sesmon::web {
namespace {

namespace asio = boost::asio;

struct reply {
    int status = 0;
    std::string head;
    std::string body;
};

// One request on a fresh connection ("Connection: close"), read to EOF.
reply fetch(unsigned short port, const std::string& method, const std::string& target,
            const std::string& extra_headers = "") {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    const std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                extra_headers + "Connection: close\r\n\r\n";
    asio::write(socket, asio::buffer(request));
    std::string raw;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(raw), ec);  // until EOF
    reply r;
    const auto split = raw.find("\r\n\r\n");
    r.head = raw.substr(0, split);
    r.body = split == std::string::npos ? "" : raw.substr(split + 4);
    if (raw.size() > 12)
        r.status = std::stoi(raw.substr(9, 3));
    return r;
}

class server_test : public ::testing::Test {
  protected:
    void start(std::optional<secret> token) {
        router_.emplace([this] { return view_; }, metrics_, std::move(token),
                        [] {
                            return readiness{true, ""};
                        });
        fleet_api_deps fleet;
        fleet.index = &index_;
        fleet.feed = &feed_;
        fleet.header = [this] { return view_; };
        fleet.whole = [this] { return view_; };
        fleet.cluster = [](const std::string&) { return std::optional<cluster_view>(); };
        router_->set_fleet(std::move(fleet));
        index_.on_change([this] { feed_.notify(); });
        net::http_server_options options;
        options.listen = "127.0.0.1:0";
        server_.emplace(io_.get_executor(), options, router_->handler(),
                        std::make_shared<spdlog::logger>("web-test"));
        server_->start();
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        if (server_)
            asio::post(io_, [this] { server_->stop(); });
        if (thread_.joinable())
            thread_.join();
    }

    daemon_view view_ = testing::sample_view();
    metrics metrics_;
    asio::io_context io_;
    fleet_index index_{100};
    change_feed feed_{io_.get_executor()};
    std::optional<router> router_;
    std::optional<net::http_server> server_;
    std::thread thread_;
};

TEST_F(server_test, serves_every_route_over_loopback) {
    start(std::nullopt);
    const auto port = server_->port();
    ASSERT_NE(port, 0);

    auto r = fetch(port, "GET", "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok\n");

    r = fetch(port, "GET", "/api/v1/clusters");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.head.find("Content-Type: application/json"), std::string::npos) << r.head;
    EXPECT_NE(r.head.find("Cache-Control: no-store"), std::string::npos);
    EXPECT_EQ(r.body, to_json(view_));

    r = fetch(port, "GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(testing::check_exposition(r.body).errors.empty()) << r.body;

    r = fetch(port, "GET", "/");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("<!DOCTYPE html>"), std::string::npos);

    EXPECT_EQ(fetch(port, "GET", "/missing").status, 404);
    r = fetch(port, "POST", "/metrics", "Content-Length: 0\r\n");
    EXPECT_EQ(r.status, 405);
    EXPECT_NE(r.head.find("Allow: GET, HEAD"), std::string::npos);

    const auto get = fetch(port, "GET", "/api/v1/clusters");
    r = fetch(port, "HEAD", "/api/v1/clusters");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body.empty());
    EXPECT_NE((r.head + "\r\n").find("Content-Length: " + std::to_string(get.body.size()) + "\r\n"),
              std::string::npos)
        << r.head;
}

TEST_F(server_test, token_is_required_over_the_wire_except_for_healthz) {
    start(secret("tok-123", "test"));
    const auto port = server_->port();
    EXPECT_EQ(fetch(port, "GET", "/healthz").status, 200);
    auto r = fetch(port, "GET", "/api/v1/clusters");
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(r.head.find("WWW-Authenticate: Bearer"), std::string::npos) << r.head;
    EXPECT_EQ(fetch(port, "GET", "/api/v1/clusters", "Authorization: Bearer tok-124\r\n").status,
              401);
    r = fetch(port, "GET", "/api/v1/clusters", "Authorization: Bearer tok-123\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, to_json(view_));
}

// The change feed's long poll over the wire: it waits in the handler (nothing else of the
// server waits with it), answers when the revision moves, and a stop releases it at once.
TEST_F(server_test, a_long_poll_waits_over_the_wire_and_answers_at_a_change_or_a_stop) {
    start(std::nullopt);
    const auto port = server_->port();
    const std::string since = "/api/v1/changes?wait=30&since=100";

    auto started = std::chrono::steady_clock::now();
    std::thread change([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        asio::post(io_, [this] {
            fleet_row row;
            row.name = "new";
            index_.update(row, false, wall_time{});
        });
    });
    // Meanwhile the server answers everything else.
    std::thread other([port] { EXPECT_EQ(fetch(port, "GET", "/healthz").status, 200); });
    auto r = fetch(port, "GET", since);
    change.join();
    other.join();
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"changed\":true"), std::string::npos) << r.body;
    EXPECT_GE(took, std::chrono::milliseconds(300));
    EXPECT_LT(took, std::chrono::seconds(10)) << "answered at the change, not at the wait's end";

    started = std::chrono::steady_clock::now();
    std::thread stop([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        asio::post(io_, [this] {
            server_->stop();
            feed_.stop();  // as the daemon does at SIGTERM
        });
    });
    r = fetch(port, "GET", "/api/v1/changes?wait=30&since=101");
    stop.join();
    took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"changed\":false"), std::string::npos) << r.body;
    EXPECT_LT(took, std::chrono::seconds(10)) << "released by the stop, not at the wait's end";
}

// SPEC §7: 900 clients that connect and never finish a request (a slow-loris, a scanner,
// a broken proxy) must not take the status server from its scrapes and health checks.
TEST_F(server_test, nine_hundred_half_open_connections_leave_healthz_and_metrics_answering) {
    start(std::nullopt);
    const auto port = server_->port();
    asio::io_context client_io;
    std::vector<asio::ip::tcp::socket> half_open;
    half_open.reserve(900);
    for (int i = 0; i < 900; ++i) {
        auto& socket = half_open.emplace_back(client_io);
        boost::system::error_code ec;
        socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
        ASSERT_FALSE(ec) << "connection " << i << ": " << ec.message();
        asio::write(socket, asio::buffer(std::string("GET /api/v1/clusters HTTP/1.1\r\n")), ec);
    }
    for (const std::string path : {"/healthz", "/metrics", "/readyz"}) {
        const auto began = std::chrono::steady_clock::now();
        const auto r = fetch(port, "GET", path);
        const auto took = std::chrono::steady_clock::now() - began;
        EXPECT_EQ(r.status, 200) << path << ": " << r.head;
        EXPECT_LT(took, std::chrono::seconds(1)) << path;
    }
    // The server holds at most its limit and reserve, whatever the clients hold.
    std::promise<std::size_t> open;
    asio::post(io_, [&] { open.set_value(server_->connection_count()); });
    EXPECT_LE(open.get_future().get(), 256u + 16u);
}

}  // namespace
}  // namespace sesmon::web
