// The per-connection coroutine of http_server: read a request, ask the handler, write the
// answer (or play the fault it asks for), repeat while keep-alive holds.
#include "net/server_connection.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <string>

#include "common/text.hpp"
#include "net/request_parsing.hpp"

namespace sesmon::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// The status line and headers; Content-Length and Connection are the server's business.
std::string render_head(const server_response& res, std::size_t content_length, bool keep_alive) {
    std::string head = "HTTP/1.1 " + std::to_string(res.status) + " ";
    head +=
        std::string(http::obsolete_reason(http::int_to_status(static_cast<unsigned>(res.status))));
    head += "\r\n";
    for (const auto& [name, value] : res.headers) {
        if (common::iequals(name, "content-length") || common::iequals(name, "connection"))
            continue;
        head += name + ": " + value + "\r\n";
    }
    head += "Content-Length: " + std::to_string(content_length) + "\r\n";
    if (!keep_alive)
        head += "Connection: close\r\n";
    head += "\r\n";
    return head;
}

tcp::socket& socket_of(beast::tcp_stream& s) {
    return s.socket();
}
tcp::socket& socket_of(beast::ssl_stream<beast::tcp_stream>& s) {
    return beast::get_lowest_layer(s).socket();
}

void hard_close(tcp::socket& socket, bool reset) {
    boost::system::error_code ignored;
    if (reset)
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
}

template <class Stream>
asio::awaitable<bool> write_all(Stream& stream, std::string_view bytes, duration timeout) {
    beast::get_lowest_layer(stream).expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()),
                                              as_tuple_awaitable);
    co_return !ec;
}

// Writes `res` as asked (including its fault); false when the connection must end.
// A HEAD request gets the head of `res`, Content-Length included, and no body (RFC 9110 9.3.2).
template <class Stream>
asio::awaitable<bool> respond(http_server::state& st, Stream& stream,
                              server_connection_entry& entry, server_response res, bool keep_alive,
                              bool head_request = false) {
    using fault = server_response::fault_kind;
    auto& socket = socket_of(stream);
    switch (res.fault) {
        case fault::hang: {
            // Hold the connection without answering until the peer gives up or we stop.
            entry.busy = false;
            beast::get_lowest_layer(stream).expires_never();
            char sink[512];
            for (;;) {
                auto [ec, n] =
                    co_await stream.async_read_some(asio::buffer(sink), as_tuple_awaitable);
                if (ec || st.stopping)
                    break;
            }
            co_return false;
        }
        case fault::reset:
            hard_close(socket, true);
            co_return false;
        case fault::truncate: {
            std::string bytes = render_head(res, res.body.size(), false);
            bytes.append(res.body, 0, res.body.size() / 2);
            co_await write_all(stream, bytes, st.options.write_timeout);
            hard_close(socket, false);
            co_return false;
        }
        case fault::slow: {
            if (!co_await write_all(stream, render_head(res, res.body.size(), keep_alive),
                                    st.options.write_timeout)) {
                co_return false;
            }
            asio::steady_timer timer(st.executor);
            std::size_t chunk = std::max<std::size_t>(res.slow_chunk_bytes, 1);
            for (std::size_t at = 0; at < res.body.size(); at += chunk) {
                timer.expires_after(res.slow_chunk_delay);
                auto [tec] = co_await timer.async_wait(as_tuple_awaitable);
                if (tec)
                    co_return false;
                auto piece = std::string_view(res.body).substr(at, chunk);
                if (!co_await write_all(stream, piece, st.options.write_timeout))
                    co_return false;
            }
            co_return keep_alive;
        }
        case fault::none:
            break;
    }
    std::string bytes = render_head(res, res.body.size(), keep_alive);
    if (!head_request)
        bytes += res.body;
    if (!co_await write_all(stream, bytes, st.options.write_timeout))
        co_return false;
    co_return keep_alive;
}

// A connection admitted beyond max_connections asks for a path that is not reserved.
server_response server_busy() {
    server_response res = error_response(503, "server busy: every connection is in use");
    res.headers.emplace_back("Retry-After", "1");
    res.close = true;
    return res;
}

bool reserved(const http_server_options& options, std::string_view path) {
    return std::find(options.reserved_paths.begin(), options.reserved_paths.end(), path) !=
           options.reserved_paths.end();
}

// `headers_by`: when the first request's headers must have arrived (header_timeout after
// the accept).
template <class Stream>
asio::awaitable<void> serve_requests(std::shared_ptr<http_server::state> st, Stream& stream,
                                     server_connection_entry& entry, const std::string& remote,
                                     steady_time headers_by) {
    beast::flat_buffer buffer;
    bool first = true;
    while (!st->stopping) {
        beast_request_parser parser;
        apply_limits(parser, st->options);
        entry.busy = false;
        if (first)
            beast::get_lowest_layer(stream).expires_at(headers_by);
        else
            beast::get_lowest_layer(stream).expires_after(st->options.idle_timeout);
        auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, as_tuple_awaitable);
        entry.busy = true;
        if (!ec && !parser.is_done()) {
            beast::get_lowest_layer(stream).expires_after(st->options.read_timeout);
            std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
        }
        if (ec) {
            if (auto answer = answer_for_read_error(ec)) {
                st->logger->debug("http server: {} from {}: {}", answer->status, remote,
                                  ec.message());
                co_await respond(*st, stream, entry, std::move(*answer), false);
            }
            co_return;
        }
        first = false;
        auto& msg = parser.get();
        bool keep_alive = msg.keep_alive() && st->options.keep_alive;
        const bool head_request = msg.method() == http::verb::head;
        const std::string method(msg.method_string());
        const std::string target(msg.target());
        server_request req = to_server_request(parser, remote);

        server_response res;
        if (entry.reserved_only && !reserved(st->options, req.path())) {
            co_await respond(*st, stream, entry, server_busy(), false);
            co_return;
        }
        try {
            res = co_await st->handler(std::move(req));
        } catch (const std::exception& e) {
            st->logger->error("http server: handler failed for {} {}: {}", method, target,
                              e.what());
            res = error_response(500, "internal error");
        }
        keep_alive = keep_alive && !res.close && !st->stopping;
        if (!co_await respond(*st, stream, entry, std::move(res), keep_alive, head_request))
            co_return;
    }
}

struct entry_registration {
    http_server::state& st;
    std::uint64_t id;
    ~entry_registration() {
        st.connections.erase(id);
        connection_closed(st);
    }
};

}  // namespace

asio::awaitable<void> serve_connection(std::shared_ptr<http_server::state> st, tcp::socket socket,
                                       bool reserved_only) {
    const steady_time headers_by = std::chrono::steady_clock::now() + st->options.header_timeout;
    boost::system::error_code ec;
    auto peer = socket.remote_endpoint(ec);
    std::string remote =
        ec ? std::string("?") : peer.address().to_string() + ":" + std::to_string(peer.port());
    server_connection_entry entry;
    entry.reserved_only = reserved_only;
    auto id = st->next_connection_id++;
    st->connections.emplace(id, &entry);
    entry_registration registration{*st, id};

    if (!st->tls) {
        beast::tcp_stream stream(std::move(socket));
        entry.close = [&stream] { hard_close(stream.socket(), false); };
        co_await serve_requests(st, stream, entry, remote, headers_by);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *st->tls);
    entry.close = [&stream] { hard_close(socket_of(stream), false); };
    beast::get_lowest_layer(stream).expires_at(headers_by);
    auto [hec] =
        co_await stream.async_handshake(asio::ssl::stream_base::server, as_tuple_awaitable);
    if (hec) {
        st->logger->debug("http server: TLS handshake with {} failed: {}", remote, hec.message());
        co_return;
    }
    co_await serve_requests(st, stream, entry, remote, headers_by);
    if (socket_of(stream).is_open()) {
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(as_tuple_awaitable);
    }
}

}  // namespace sesmon::net
