#include "ha/etcd_transport.hpp"

#include <openssl/ssl.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <stdexcept>

#include "common/url.hpp"
#include "ha/etcd_json.hpp"
#include "net/tls_context.hpp"
#include "sesmon/version.hpp"

namespace sesmon::ha {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_idle_connections = 4;
constexpr std::uint64_t max_answer_bytes = 64 * 1024 * 1024;  // a large range
constexpr std::size_t max_error_bytes = 64 * 1024;

etcd_error unreachable(const std::string& origin, const std::string& what) {
    return {etcd_error_kind::unreachable, 0, 0, origin + ": " + what};
}

bool timed_out(const error_code& ec, steady_time deadline) {
    return ec == beast::error::timeout || std::chrono::steady_clock::now() >= deadline;
}

std::string millis(duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace

struct etcd_transport::endpoint {
    common::parsed_url url;
    std::string origin;
};

// One connection (TCP, or TLS over TCP) and the read buffer that outlives one exchange.
class etcd_connection {
  public:
    using tls_stream = beast::ssl_stream<beast::tcp_stream>;

    etcd_connection(const asio::any_io_executor& executor, asio::ssl::context* tls) {
        if (tls != nullptr) {
            tls_.emplace(executor, *tls);
        } else {
            plain_.emplace(executor);
        }
    }

    beast::tcp_stream& tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
    bool is_tls() const { return tls_.has_value(); }
    tls_stream& tls() { return *tls_; }

    template <class F>
    decltype(auto) visit(F&& f) {
        if (tls_)
            return f(*tls_);
        return f(*plain_);
    }

    void close() {
        error_code ignored;
        tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
        tcp().socket().close(ignored);
    }

    beast::flat_buffer buffer;
    std::size_t endpoint = 0;

  private:
    std::optional<beast::tcp_stream> plain_;
    std::optional<tls_stream> tls_;
};

namespace {

http::request<http::string_body> make_request(const common::parsed_url& url,
                                              const std::string& path, std::string body,
                                              const std::string& authorization) {
    http::request<http::string_body> req{http::verb::post, path, 11};
    const std::string host =
        url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    req.set(http::field::host, host + ":" + url.port);
    req.set(http::field::user_agent, std::string("ses-upgrade-monitor/") + sesmon::version);
    req.set(http::field::content_type, "application/json");
    if (!authorization.empty())
        req.set(http::field::authorization, authorization);
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

struct exchange_outcome {
    error_code ec;
    bool got_answer_bytes = false;
    bool keep_alive = false;
    etcd_answer answer;
};

template <class Stream>
asio::awaitable<exchange_outcome> exchange(Stream& stream, beast::flat_buffer& buffer,
                                           http::request<http::string_body>& req) {
    exchange_outcome out;
    auto [write_ec, written] = co_await http::async_write(stream, req, use_tuple);
    (void)written;
    if (write_ec) {
        out.ec = write_ec;
        co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_answer_bytes);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
    (void)read;
    out.got_answer_bytes = parser.got_some();
    out.ec = read_ec;
    if (!read_ec) {
        out.keep_alive = parser.get().keep_alive();
        out.answer.status = static_cast<int>(parser.get().result_int());
        out.answer.body = std::move(parser.get().body());
    }
    co_return out;
}

// Reads the response head; the body is then read message by message in next().
template <class Stream>
asio::awaitable<error_code> read_head(Stream& stream, beast::flat_buffer& buffer,
                                      http::response_parser<http::buffer_body>& parser) {
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    (void)n;
    co_return ec;
}

template <class Stream>
asio::awaitable<std::pair<error_code, std::size_t>> read_body_some(
    Stream& stream, beast::flat_buffer& buffer, http::response_parser<http::buffer_body>& parser,
    char* data, std::size_t size) {
    parser.get().body().data = data;
    parser.get().body().size = size;
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
    (void)n;
    if (ec == http::error::need_buffer)
        ec = {};
    co_return std::pair{ec, size - parser.get().body().size};
}

}  // namespace

// ---- etcd_stream ----

struct etcd_stream::state {
    std::unique_ptr<etcd_connection> connection;
    std::string origin;
    http::response_parser<http::buffer_body> parser;
    std::array<char, 16 * 1024> chunk{};
    std::string pending;
    bool cancelled = false;
};

etcd_stream::etcd_stream(std::unique_ptr<etcd_connection> connection, std::string origin)
    : state_(std::make_unique<state>()) {
    state_->connection = std::move(connection);
    state_->origin = std::move(origin);
    state_->parser.body_limit(boost::none);  // a watch never ends
}

etcd_stream::~etcd_stream() {
    cancel();
}

void etcd_stream::cancel() {
    if (state_->cancelled)
        return;
    state_->cancelled = true;
    state_->connection->close();
}

asio::awaitable<etcd_result<std::string>> etcd_stream::next(duration idle_timeout) {
    state& s = *state_;
    for (;;) {
        const auto newline = s.pending.find('\n');
        if (newline != std::string::npos) {
            std::string line = s.pending.substr(0, newline);
            s.pending.erase(0, newline + 1);
            if (line.find_first_not_of(" \r\t") == std::string::npos)
                continue;
            co_return line;
        }
        if (s.cancelled)
            co_return unreachable(s.origin, "stream cancelled");
        if (s.parser.is_done())
            co_return unreachable(s.origin, "etcd ended the stream");
        s.connection->tcp().expires_after(idle_timeout);
        auto [ec, n] = co_await s.connection->visit([&](auto& stream) {
            return read_body_some(stream, s.connection->buffer, s.parser, s.chunk.data(),
                                  s.chunk.size());
        });
        s.connection->tcp().expires_never();
        if (ec) {
            if (s.cancelled)
                co_return unreachable(s.origin, "stream cancelled");
            if (ec == beast::error::timeout)
                co_return unreachable(s.origin, "no message for " + millis(idle_timeout));
            co_return unreachable(s.origin, "stream broken: " + ec.message());
        }
        s.pending.append(s.chunk.data(), n);
    }
}

// ---- etcd_transport ----

etcd_transport::etcd_transport(asio::any_io_executor executor, std::vector<std::string> endpoints,
                               const etcd_tls_files& tls)
    : executor_(std::move(executor)) {
    bool any_tls = false;
    for (const std::string& text : endpoints) {
        auto url = common::parse_url(text);
        if (!url)
            throw std::runtime_error("etcd endpoint is not an http(s) URL: " + text);
        any_tls = any_tls || url->tls();
        endpoints_.push_back({*url, url->origin()});
    }
    if (endpoints_.empty())
        throw std::runtime_error("no etcd endpoint");
    if (any_tls) {
        tls_.emplace(net::make_client_tls_context(tls.ca_file));
        if (!tls.cert_file.empty()) {
            error_code ec;
            tls_->use_certificate_chain_file(tls.cert_file, ec);
            if (ec)
                throw std::runtime_error("cannot load the etcd client certificate " +
                                         tls.cert_file + ": " + ec.message());
            tls_->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
            if (ec)
                throw std::runtime_error("cannot load the etcd client key " + tls.key_file + ": " +
                                         ec.message());
        }
    }
}

etcd_transport::~etcd_transport() {
    close_idle();
}

std::string etcd_transport::current_endpoint() const {
    return endpoints_[current_].origin;
}

void etcd_transport::close_idle() {
    for (auto& c : idle_)
        c->close();
    idle_.clear();
}

asio::awaitable<etcd_result<etcd_transport::connection_ptr>> etcd_transport::connect(
    std::size_t index, steady_time deadline) {
    const endpoint& ep = endpoints_[index];
    auto connection = std::make_unique<etcd_connection>(executor_, ep.url.tls() ? &*tls_ : nullptr);
    connection->endpoint = index;

    std::vector<tcp::endpoint> addresses;
    error_code ec;
    const auto literal = asio::ip::make_address(ep.url.host, ec);
    const auto port = static_cast<unsigned short>(std::stoi(ep.url.port));
    if (!ec) {
        addresses.emplace_back(literal, port);
    } else {
        // getaddrinfo cannot be interrupted: the timer only stops the wait for it.
        auto resolver = std::make_shared<tcp::resolver>(executor_);
        asio::steady_timer timer(executor_, deadline);
        timer.async_wait([resolver](error_code timer_ec) {
            if (!timer_ec)
                resolver->cancel();
        });
        auto [resolve_ec, results] =
            co_await resolver->async_resolve(ep.url.host, ep.url.port, use_tuple);
        timer.cancel();
        if (resolve_ec)
            co_return unreachable(ep.origin, "cannot resolve the host: " + resolve_ec.message());
        for (const auto& r : results)
            addresses.push_back(r.endpoint());
    }

    connection->tcp().expires_at(deadline);
    auto [connect_ec, chosen] = co_await connection->tcp().async_connect(addresses, use_tuple);
    (void)chosen;
    if (connect_ec)
        co_return unreachable(ep.origin, timed_out(connect_ec, deadline)
                                             ? "connect timed out"
                                             : "cannot connect: " + connect_ec.message());
    ++connections_opened_;
    connection->tcp().socket().set_option(tcp::no_delay(true), ec);

    if (connection->is_tls()) {
        SSL* ssl = connection->tls().native_handle();
        if (asio::ip::make_address(ep.url.host, ec); ec) {
            // SNI for names only (RFC 6066). SSL_set_tlsext_host_name is a macro with a cast.
            SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(ep.url.host.c_str()));
        }
        connection->tls().set_verify_callback(asio::ssl::host_name_verification(ep.url.host));
        auto [handshake_ec] =
            co_await connection->tls().async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (handshake_ec) {
            const long verify = SSL_get_verify_result(ssl);
            std::string what = timed_out(handshake_ec, deadline)
                                   ? "TLS handshake timed out"
                                   : "TLS handshake failed: " + handshake_ec.message();
            if (verify != X509_V_OK)
                what +=
                    " (certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
            co_return unreachable(ep.origin, what);
        }
    }
    connection->tcp().expires_never();
    co_return connection;
}

asio::awaitable<etcd_result<etcd_transport::connection_ptr>> etcd_transport::connect_any(
    steady_time deadline) {
    std::optional<etcd_error> last;
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        const std::size_t index = (current_ + i) % endpoints_.size();
        auto connection = co_await connect(index, deadline);
        if (connection) {
            if (index != current_) {
                close_idle();
                current_ = index;
            }
            co_return connection;
        }
        last = connection.error();
        if (std::chrono::steady_clock::now() >= deadline)
            break;
    }
    co_return *last;
}

asio::awaitable<etcd_result<etcd_answer>> etcd_transport::post(std::string path, std::string body,
                                                               std::string authorization,
                                                               duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (int attempt = 0;; ++attempt) {
        connection_ptr connection;
        if (!idle_.empty()) {
            connection = std::move(idle_.back());  // the most recently used: likeliest alive
            idle_.pop_back();
        }
        const bool reused = connection != nullptr;
        if (!reused) {
            auto opened = co_await connect_any(deadline);
            if (!opened)
                co_return opened.error();
            connection = std::move(*opened);
        }
        const endpoint& ep = endpoints_[connection->endpoint];
        auto req = make_request(ep.url, path, body, authorization);
        connection->tcp().expires_at(deadline);
        auto outcome = co_await connection->visit(
            [&](auto& stream) { return exchange(stream, connection->buffer, req); });
        if (!outcome.ec) {
            connection->tcp().expires_never();
            if (outcome.keep_alive && idle_.size() < max_idle_connections &&
                connection->endpoint == current_) {
                idle_.push_back(std::move(connection));
            } else {
                connection->close();
            }
            co_return std::move(outcome.answer);
        }
        connection->close();
        // A pooled connection the server closed while idle: one fresh attempt, and only
        // when nothing of an answer arrived (a request is never sent twice otherwise).
        if (reused && attempt == 0 && !outcome.got_answer_bytes && !timed_out(outcome.ec, deadline))
            continue;
        co_return unreachable(ep.origin, timed_out(outcome.ec, deadline)
                                             ? "no answer within " + millis(timeout)
                                             : "connection broken: " + outcome.ec.message());
    }
}

asio::awaitable<etcd_result<std::unique_ptr<etcd_stream>>> etcd_transport::open_stream(
    std::string path, std::string body, std::string authorization, duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto opened = co_await connect_any(deadline);
    if (!opened)
        co_return opened.error();
    connection_ptr connection = std::move(*opened);
    const endpoint& ep = endpoints_[connection->endpoint];
    auto req = make_request(ep.url, path, std::move(body), authorization);
    connection->tcp().expires_at(deadline);
    auto [write_ec, written] = co_await connection->visit(
        [&](auto& stream) { return http::async_write(stream, req, use_tuple); });
    (void)written;
    if (write_ec) {
        connection->close();
        co_return unreachable(ep.origin, "cannot send: " + write_ec.message());
    }
    auto stream = std::make_unique<etcd_stream>(std::move(connection), ep.origin);
    auto& s = *stream->state_;
    const error_code head_ec = co_await s.connection->visit(
        [&](auto& st) { return read_head(st, s.connection->buffer, s.parser); });
    if (head_ec)
        co_return unreachable(ep.origin, timed_out(head_ec, deadline)
                                             ? "no answer in time"
                                             : "connection broken: " + head_ec.message());
    const int status = static_cast<int>(s.parser.get().result_int());
    if (status == 200) {
        s.connection->tcp().expires_never();
        co_return stream;
    }
    // An error answer: read its (small) body for etcd's message.
    std::string error_body;
    while (!s.parser.is_done() && error_body.size() < max_error_bytes) {
        auto [ec, n] = co_await s.connection->visit([&](auto& st) {
            return read_body_some(st, s.connection->buffer, s.parser, s.chunk.data(),
                                  s.chunk.size());
        });
        if (ec)
            break;
        error_body.append(s.chunk.data(), n);
    }
    co_return json::decode_error(status, error_body);
}

}  // namespace sesmon::ha
