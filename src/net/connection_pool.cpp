#include "net/connection_pool.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

#include "common/url.hpp"
#include "net/exchange.hpp"
#include "net/https_connection.hpp"
#include "net/https_errors.hpp"
#include "net/tls_context.hpp"

namespace sesmon::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Parsed URLs kept at most (API regions, webhook URLs, etcd endpoints): past it the cache
// starts over.
constexpr std::size_t max_cached_targets = 256;
// The body of a refused stream request is read up to this much (it carries the reason).
constexpr std::size_t max_refusal_bytes = 64 * 1024;
// Prune the idle pool at most this often (or every idle_timeout, when shorter): it walks
// every pooled connection.
constexpr auto prune_period = std::chrono::seconds(1);

// Asks OpenSSL to check the peer's name (DNS name or IP literal) during chain
// verification, so that a mismatch fails the handshake with X509_V_ERR_HOSTNAME_MISMATCH
// (clearer to operators than asio::ssl::host_name_verification's bare failure).
bool set_peer_name(SSL* ssl, const std::string& host) {
    error_code ec;
    asio::ip::make_address(host, ec);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (!ec) {
        return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    // SNI: for names only (RFC 6066). SSL_set_tlsext_host_name is a macro with a C cast.
    return SSL_set1_host(ssl, host.c_str()) == 1 &&
           SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                    const_cast<char*>(host.c_str())) == 1;
}

asio::ssl::context make_tls_context(const pool_options& o) {
    auto ctx = make_client_tls_context(o.ca_file);
    if (o.cert_file.empty())
        return ctx;
    error_code ec;
    ctx.use_certificate_chain_file(o.cert_file, ec);
    if (ec)
        throw std::runtime_error("cannot load the client certificate " + o.cert_file + ": " +
                                 ec.message());
    ctx.use_private_key_file(o.key_file, asio::ssl::context::pem, ec);
    if (ec)
        throw std::runtime_error("cannot load the client key " + o.key_file + ": " + ec.message());
    return ctx;
}

http_error sent_error(http_error e) {
    e.request_sent = true;
    return e;
}

}  // namespace

// A URL as send() needs it, parsed once.
struct connection_pool::target {
    common::parsed_url url;
    std::string origin;         // "https://host:port", for messages and the pool
    std::string host_header;    // Host
    idle_list* idle = nullptr;  // this origin's pool (an entry of idle_)
};

// A request about to be sent: its target and deadlines.
struct connection_pool::plan {
    std::shared_ptr<const target> to;
    steady_time deadline;          // the whole exchange
    steady_time connect_deadline;  // resolve, connect, TLS handshake
};

// ---- line_stream ----

struct line_stream::state {
    std::unique_ptr<https_connection> connection;
    std::string origin;
    http::response_parser<http::buffer_body> parser;
    std::array<char, 16 * 1024> chunk{};
    std::string pending;
    bool cancelled = false;
};

line_stream::line_stream(std::unique_ptr<state> s) : state_(std::move(s)) {}

line_stream::~line_stream() {
    cancel();
}

const std::string& line_stream::origin() const {
    return state_->origin;
}

void line_stream::cancel() {
    if (state_->cancelled)
        return;
    state_->cancelled = true;
    state_->connection->close();
}

asio::awaitable<boost::system::result<std::string, http_error>> line_stream::next(
    duration idle_timeout) {
    state& s = *state_;
    const auto broken = [&](const std::string& why) {
        return http_error{http_error_kind::reset, "stream from " + s.origin + " " + why, true};
    };
    for (;;) {
        const auto newline = s.pending.find('\n');
        if (newline != std::string::npos) {
            std::string line = s.pending.substr(0, newline);
            s.pending.erase(0, newline + 1);
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (line.find_first_not_of(" \t") == std::string::npos)
                continue;
            co_return line;
        }
        if (s.cancelled)
            co_return broken("cancelled");
        if (s.parser.is_done())
            co_return broken("ended by the server");
        s.connection->tcp().expires_after(idle_timeout);
        auto [ec, n] = co_await s.connection->visit([&](auto& stream) {
            return read_body_some(stream, s.connection->buffer(), s.parser, s.chunk.data(),
                                  s.chunk.size());
        });
        s.connection->tcp().expires_never();
        if (ec) {
            if (s.cancelled)
                co_return broken("cancelled");
            if (ec == beast::error::timeout)
                co_return http_error{
                    http_error_kind::timeout,
                    "no message from " + s.origin + " for " +
                        std::to_string(
                            std::chrono::duration_cast<std::chrono::milliseconds>(idle_timeout)
                                .count()) +
                        " ms",
                    true};
            co_return broken("broken: " + ec.message());
        }
        s.pending.append(s.chunk.data(), n);
    }
}

// ---- connection_pool ----

connection_pool::connection_pool(asio::any_io_executor executor, pool_options options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      tls_context_(make_tls_context(options_)),
      resolver_(executor_, options_.dns) {}

connection_pool::~connection_pool() {
    close_idle();
}

std::size_t connection_pool::idle_connections() const {
    std::size_t n = 0;
    for (const auto& [origin, list] : idle_)
        n += list.size();
    return n;
}

void connection_pool::close_idle() {
    for (auto& [origin, list] : idle_) {
        for (auto& connection : list)
            connection->close();
        list.clear();
    }
}

void connection_pool::prune_idle() {
    const auto now = std::chrono::steady_clock::now();
    if (now - pruned_at_ < std::min<duration>(prune_period, options_.idle_timeout))
        return;
    pruned_at_ = now;
    const auto oldest = now - options_.idle_timeout;
    for (auto& [origin, list] : idle_) {
        std::erase_if(list, [&](const connection_ptr& c) {
            if (c->idle_since > oldest)
                return false;
            c->close();
            return true;
        });
    }
}

std::shared_ptr<const connection_pool::target> connection_pool::target_for(const std::string& url,
                                                                           http_error& error) {
    if (const auto it = targets_.find(url); it != targets_.end())
        return it->second;
    auto parsed = common::parse_url(url);
    if (!parsed) {
        error = {http_error_kind::invalid_url, "invalid URL: not an absolute http(s) URL"};
        return nullptr;
    }
    if (!parsed->tls() && !common::is_loopback_host(parsed->host)) {
        error = {http_error_kind::invalid_url,
                 "plain http:// is only allowed to loopback hosts, not to " + parsed->origin()};
        return nullptr;
    }
    if (targets_.size() >= max_cached_targets)
        targets_.clear();
    auto t = std::make_shared<target>();
    t->origin = parsed->origin();
    t->host_header = host_header_of(*parsed);
    t->idle = &idle_[t->origin];
    t->url = std::move(*parsed);
    return targets_.emplace(url, std::move(t)).first->second;
}

std::optional<connection_pool::plan> connection_pool::plan_for(const http_request& request,
                                                               const send_options& options,
                                                               http_error& error) {
    auto to = target_for(request.url, error);
    if (to == nullptr)
        return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    const steady_time deadline = now + request.timeout;
    const steady_time connect_deadline =
        options.connect_timeout > duration::zero()
            ? std::min(deadline, steady_time(now + options.connect_timeout))
            : deadline;
    return plan{std::move(to), deadline, connect_deadline};
}

connection_pool::connection_ptr connection_pool::take_idle(idle_list& idle) {
    if (idle.empty())
        return nullptr;
    auto connection = std::move(idle.back());  // most recently used: likeliest alive
    idle.pop_back();
    return connection;
}

void connection_pool::put_idle(idle_list& idle, connection_ptr connection) {
    if (idle.size() >= options_.max_idle_per_origin) {
        connection->close();
        return;
    }
    connection->idle_since = std::chrono::steady_clock::now();
    idle.push_back(std::move(connection));
}

asio::awaitable<connection_pool::open_result> connection_pool::open(const target& to,
                                                                    steady_time deadline) {
    const common::parsed_url& url = to.url;
    const std::string& origin = to.origin;
    auto connection =
        std::make_unique<https_connection>(executor_, url.tls() ? &tls_context_ : nullptr);

    auto resolved = co_await resolver_.resolve(
        url.host, static_cast<unsigned short>(std::stoi(url.port)), deadline);
    if (resolved.timed_out)
        co_return make_timeout_error(origin, exchange_stage::resolve);
    if (!resolved.ok())
        co_return http_error{http_error_kind::dns,
                             "cannot resolve the host of " + origin + ": " + resolved.error};
    const std::vector<tcp::endpoint> endpoints = std::move(resolved.endpoints);
    error_code ec;

    connection->tcp().expires_at(deadline);
    auto [connect_ec, endpoint] = co_await connection->tcp().async_connect(endpoints, use_tuple);
    (void)endpoint;
    if (connect_ec) {
        if (connect_ec == beast::error::timeout)
            co_return make_timeout_error(origin, exchange_stage::connect);
        co_return http_error{http_error_kind::connect,
                             "cannot connect to " + origin + ": " + connect_ec.message()};
    }
    ++connections_opened_;
    if (options_.on_connection_opened)
        options_.on_connection_opened();
    connection->tcp().socket().set_option(tcp::no_delay(true), ec);

    if (connection->is_tls()) {
        if (!set_peer_name(connection->tls().native_handle(), url.host))
            co_return http_error{http_error_kind::tls, "cannot set up TLS for " + origin};
        connection->tcp().expires_at(deadline);
        auto [handshake_ec] =
            co_await connection->tls().async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (handshake_ec) {
            if (handshake_ec == beast::error::timeout)
                co_return make_timeout_error(origin, exchange_stage::handshake);
            co_return make_tls_error(origin, handshake_ec,
                                     SSL_get_verify_result(connection->tls().native_handle()));
        }
    }
    co_return connection;
}

asio::awaitable<void> connection_pool::close_gracefully(connection_ptr connection,
                                                        steady_time deadline) {
    if (connection->is_tls()) {
        // Bounded: a peer that never answers our close_notify must not hold us up.
        const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        connection->tcp().expires_at(std::min(deadline, limit));
        // stream_truncated (the peer closed TCP without close_notify) is a normal end.
        auto [ignored] = co_await connection->tls().async_shutdown(use_tuple);
        (void)ignored;
    }
    connection->close();
}

asio::awaitable<http_result> connection_pool::send(http_request request, send_options options) {
    http_error invalid;
    const auto p = plan_for(request, options, invalid);
    if (!p)
        co_return invalid;
    const auto& to = p->to;
    const std::string& origin = to->origin;
    const steady_time deadline = p->deadline;
    const steady_time connect_deadline = p->connect_deadline;
    const std::size_t max_body =
        options.max_body_bytes != 0 ? options.max_body_bytes : options_.max_body_bytes;
    auto req = to_beast(request, to->url, to->host_header);
    prune_idle();

    for (int attempt = 0;; ++attempt) {
        auto connection = take_idle(*to->idle);
        const bool reused = connection != nullptr;
        if (!reused) {
            auto opened = co_await open(*to, attempt == 0 ? connect_deadline : deadline);
            if (!opened)
                co_return opened.error();
            connection = std::move(*opened);
        }
        connection->tcp().expires_at(deadline);
        auto outcome = co_await connection->visit(
            [&](auto& stream) { return exchange(stream, connection->buffer(), req, max_body); });
        if (!outcome.ec) {
            if (outcome.keep_alive) {
                connection->tcp().expires_never();
                put_idle(*to->idle, std::move(connection));
            } else {
                co_await close_gracefully(std::move(connection), deadline);
            }
            co_return from_beast(std::move(outcome.response));
        }
        connection->close();
        const bool expired = std::chrono::steady_clock::now() >= deadline;
        const bool timed_out = expired || outcome.ec == beast::error::timeout;
        // The stale keep-alive race: the server closed it while idle and never saw this.
        const bool stale = reused && !outcome.got_response_bytes && is_peer_closed(outcome.ec);
        if (stale) {
            // The server closed its idle connections (a restart, its own idle timeout):
            // the others pooled with this one are likely gone too.
            for (auto& c : *to->idle)
                c->close();
            to->idle->clear();
        }
        if (attempt == 0 && !timed_out &&
            (stale || (options.idempotent && outcome.ec != http::error::body_limit)))
            continue;
        if (timed_out)
            co_return sent_error(make_timeout_error(origin, outcome.stage));
        co_return sent_error(make_exchange_error(origin, outcome.stage, outcome.ec));
    }
}

asio::awaitable<stream_result> connection_pool::open_stream(http_request request,
                                                            send_options options) {
    http_error invalid;
    const auto p = plan_for(request, options, invalid);
    if (!p)
        co_return invalid;
    const auto& to = p->to;
    const std::string& origin = to->origin;
    const steady_time deadline = p->deadline;
    const steady_time connect_deadline = p->connect_deadline;
    auto req = to_beast(request, to->url, to->host_header);
    auto opened = co_await open(*to, connect_deadline);
    if (!opened)
        co_return opened.error();

    auto s = std::make_unique<line_stream::state>();
    s->connection = std::move(*opened);
    s->origin = origin;
    s->parser.body_limit(boost::none);  // a watch never ends
    s->connection->tcp().expires_at(deadline);
    auto [write_ec, written] = co_await s->connection->visit(
        [&](auto& stream) { return http::async_write(stream, req, use_tuple); });
    (void)written;
    const auto failed = [&](exchange_stage stage, const error_code& ec) {
        s->connection->close();
        if (ec == beast::error::timeout || std::chrono::steady_clock::now() >= deadline)
            return sent_error(make_timeout_error(origin, stage));
        return sent_error(make_exchange_error(origin, stage, ec));
    };
    if (write_ec)
        co_return failed(exchange_stage::write, write_ec);
    auto [head_ec, head] = co_await s->connection->visit([&](auto& stream) {
        return http::async_read_header(stream, s->connection->buffer(), s->parser, use_tuple);
    });
    (void)head;
    if (head_ec)
        co_return failed(exchange_stage::read, head_ec);

    stream_answer answer;
    answer.refused.status = static_cast<int>(s->parser.get().result_int());
    if (answer.refused.status == 200) {
        s->connection->tcp().expires_never();
        answer.stream.reset(new line_stream(std::move(s)));
        co_return answer;
    }
    for (const auto& field : s->parser.get())
        answer.refused.headers.emplace_back(std::string(field.name_string()),
                                            std::string(field.value()));
    while (!s->parser.is_done() && answer.refused.body.size() < max_refusal_bytes) {
        auto [ec, n] = co_await s->connection->visit([&](auto& stream) {
            return read_body_some(stream, s->connection->buffer(), s->parser, s->chunk.data(),
                                  s->chunk.size());
        });
        if (ec)
            break;
        answer.refused.body.append(s->chunk.data(), n);
    }
    s->connection->close();
    co_return answer;
}

}  // namespace sesmon::net
