#include "sim_support.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <stdexcept>

#include "common/time_format.hpp"
#include "sim/sim_time.hpp"

namespace sesmon::sim::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::shared_ptr<spdlog::logger> null_logger() {
    return std::make_shared<spdlog::logger>("test",
                                            std::make_shared<spdlog::sinks::null_sink_mt>());
}

namespace {

template <class Stream>
asio::awaitable<void> talk(Stream& stream, const client_call& call, client_result& out) {
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
    http::request<http::string_body> req;
    req.method_string(call.method);
    req.target(call.target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : call.headers)
        req.set(k, v);
    req.body() = call.body;
    req.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, req, tuple);
    if (wec) {
        out.ec = wec;
        co_return;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, tuple);
    if (rec) {
        out.ec = rec;
        co_return;
    }
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& ch : name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        out.headers[name] = std::string(f.value());
    }
    out.body = std::move(res.body());
}

asio::awaitable<void> run_call(unsigned short port, const client_call& call, client_result& out,
                               bool& done) {
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
    auto ex = co_await asio::this_coro::executor;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    if (call.tls) {
        beast::ssl_stream<beast::tcp_stream> stream(ex, *call.tls);
        stream.set_verify_mode(asio::ssl::verify_peer);
        auto [cec] = co_await beast::get_lowest_layer(stream).async_connect(ep, tuple);
        if (!cec) {
            auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, tuple);
            if (hec) {
                out.ec = hec;
            } else {
                co_await talk(stream, call, out);
            }
        } else {
            out.ec = cec;
        }
    } else {
        beast::tcp_stream stream(ex);
        auto [cec] = co_await stream.async_connect(ep, tuple);
        if (cec) {
            out.ec = cec;
        } else {
            co_await talk(stream, call, out);
        }
    }
    done = true;
}

}  // namespace

client_result exchange(unsigned short port, const client_call& call) {
    asio::io_context io;
    client_result out;
    bool done = false;
    auto started = std::chrono::steady_clock::now();
    asio::co_spawn(io, run_call(port, call, out, done), asio::detached);
    io.run_for(call.timeout);
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (!done)
        out.ec = asio::error::timed_out;
    return out;
}

scenario scenario_from(const std::string& yaml, wall_time start) {
    return parse_scenario(yaml, "test.yaml", start);
}

wall_time kst(const char* text) {
    auto t = common::parse_api_date(text, kst_offset);
    if (!t)
        throw std::invalid_argument(text);
    return *t;
}

running_sim::running_sim(scenario s, simulator_options options,
                         net::http_server_options server_options) {
    sim_ = std::make_unique<simulator>(std::move(s), std::move(options), real_, io_.get_executor(),
                                       null_logger());
    server_ = std::make_unique<net::http_server>(io_.get_executor(), server_options,
                                                 sim_->handler(), null_logger());
    server_->start();
    sim_->start_opensearch(server_options);
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
}

running_sim::~running_sim() {
    asio::post(io_, [this] {
        server_->stop();
        sim_->stop_opensearch();
        io_.stop();
    });
    thread_.join();
}

client_result running_sim::progress(const std::string& prefix, const std::string& body) {
    return exchange(port_, {.method = "POST",
                            .target = prefix + "/cluster/getRollingUpgradeProgress",
                            .body = body,
                            .headers = {{"Content-Type", "application/json"}}});
}

client_result running_sim::advance(long long seconds) {
    return exchange(
        port_, {.method = "POST", .target = "/_sim/advance?seconds=" + std::to_string(seconds)});
}

}  // namespace sesmon::sim::test
