#include "support/scripted_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <thread>

namespace sesmon::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string reason_for(int status) {
    const auto reason = http::obsolete_reason(static_cast<http::status>(status));
    return reason.empty() ? "Status" : std::string(reason);
}

std::string head_of(const scripted_reply& reply) {
    std::string head =
        "HTTP/1.1 " + std::to_string(reply.status) + " " + reason_for(reply.status) + "\r\n";
    for (const auto& [name, value] : reply.headers) {
        head += name + ": " + value + "\r\n";
    }
    head += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    head += reply.keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    return head + "\r\n";
}

void reset(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
}

}  // namespace

std::string recorded_request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (beast::iequals(key, name))
            return value;
    }
    return "";
}

struct scripted_server::impl {
    std::optional<asio::ssl::context> tls;
    std::optional<tcp::acceptor> acceptor;
    std::thread thread;

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::deque<scripted_reply> queue;
    std::function<scripted_reply(const recorded_request&)> handler;
    std::vector<recorded_request> requests;
    std::size_t connections = 0;
    std::size_t handshake_failures = 0;
    // Last, so it is destroyed first: the coroutine frames it still holds (and their
    // sockets) go while everything they refer to is alive.
    asio::io_context ioc{1};

    scripted_reply next_reply(const recorded_request& request) {
        std::function<scripted_reply(const recorded_request&)> h;
        {
            std::lock_guard lock(mutex);
            requests.push_back(request);
            changed.notify_all();
            if (!queue.empty()) {
                auto reply = std::move(queue.front());
                queue.pop_front();
                return reply;
            }
            h = handler;
        }
        if (h)
            return h(request);
        return scripted_reply{.status = 500, .body = "unscripted request"};
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
            if (ec)
                co_return;
            std::size_t index = 0;
            {
                std::lock_guard lock(mutex);
                index = ++connections;
            }
            asio::co_spawn(ioc, serve(std::move(socket), index), [](std::exception_ptr) {
                // A test server connection ending by exception only ends that connection.
            });
        }
    }

    asio::awaitable<void> serve(tcp::socket socket, std::size_t index) {
        if (!tls) {
            beast::tcp_stream stream(std::move(socket));
            co_await session(stream, stream.socket(), index);
            co_return;
        }
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
        auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (ec) {
            std::lock_guard lock(mutex);
            ++handshake_failures;
            co_return;
        }
        co_await session(stream, beast::get_lowest_layer(stream).socket(), index);
    }

    template <class Stream>
    asio::awaitable<void> session(Stream& stream, tcp::socket& socket, std::size_t index) {
        beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple);
            if (ec)
                co_return;
            recorded_request record{
                std::string(req.method_string()), std::string(req.target()), {}, req.body(), index};
            for (const auto& field : req) {
                record.headers.emplace_back(field.name_string(), field.value());
            }
            auto reply = next_reply(record);
            if (reply.delay.count() > 0) {
                asio::steady_timer timer(ioc, reply.delay);
                co_await timer.async_wait(use_tuple);
            }
            switch (reply.action) {
                case scripted_reply::kind::close:
                    co_return;
                case scripted_reply::kind::hang: {
                    char byte = 0;
                    for (;;) {  // until the client gives up and closes
                        auto [read_ec, got] =
                            co_await stream.async_read_some(asio::buffer(&byte, 1), use_tuple);
                        if (read_ec)
                            co_return;
                    }
                }
                case scripted_reply::kind::reset_mid_body: {
                    const std::string partial =
                        head_of(reply) + reply.body.substr(0, reply.body.size() / 2);
                    co_await asio::async_write(stream, asio::buffer(partial), use_tuple);
                    reset(socket);
                    co_return;
                }
                case scripted_reply::kind::raw: {
                    co_await asio::async_write(stream, asio::buffer(reply.raw), use_tuple);
                    break;
                }
                case scripted_reply::kind::respond: {
                    const std::string bytes = head_of(reply) + reply.body;
                    auto [write_ec, written] =
                        co_await asio::async_write(stream, asio::buffer(bytes), use_tuple);
                    if (write_ec)
                        co_return;
                    break;
                }
            }
            if (!reply.keep_alive || reply.close_after) {
                boost::system::error_code ignored;
                socket.shutdown(tcp::socket::shutdown_both, ignored);
                co_return;
            }
        }
    }
};

scripted_server::scripted_server(scripted_server_options options)
    : impl_(std::make_unique<impl>()), tls_(options.tls) {
    if (options.tls) {
        impl_->tls.emplace(asio::ssl::context::tls_server);
        impl_->tls->use_certificate_chain_file(options.certificate.cert_file.string());
        impl_->tls->use_private_key_file(options.certificate.key_file.string(),
                                         asio::ssl::context::pem);
    }
    impl_->acceptor.emplace(impl_->ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port_ = impl_->acceptor->local_endpoint().port();
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), [](std::exception_ptr) {});
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

scripted_server::~scripted_server() {
    impl_->ioc.stop();
    impl_->thread.join();
    impl_->acceptor.reset();
}

std::string scripted_server::base_url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void scripted_server::push(scripted_reply reply) {
    std::lock_guard lock(impl_->mutex);
    impl_->queue.push_back(std::move(reply));
}

void scripted_server::set_handler(std::function<scripted_reply(const recorded_request&)> h) {
    std::lock_guard lock(impl_->mutex);
    impl_->handler = std::move(h);
}

std::vector<recorded_request> scripted_server::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

std::size_t scripted_server::connections_accepted() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections;
}

std::size_t scripted_server::tls_handshake_failures() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->handshake_failures;
}

bool scripted_server::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->changed.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

}  // namespace sesmon::test
