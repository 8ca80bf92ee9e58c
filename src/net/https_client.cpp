#include "net/https_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>

#include "common/text.hpp"
#include "common/time_format.hpp"
#include "common/url.hpp"
#include "net/https_connection.hpp"
#include "net/https_errors.hpp"
#include "net/tls_context.hpp"
#include "sesmon/version.hpp"

namespace sesmon::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool same_name(std::string_view a, std::string_view b) {
    return common::iequals(a, b);
}

bool has_header(const http_headers& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return same_name(h.first, name); });
}

std::string host_header(const common::parsed_url& url) {
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    const bool default_port = (url.tls() && url.port == "443") || (!url.tls() && url.port == "80");
    return default_port ? host : host + ":" + url.port;
}

const std::string& default_user_agent() {
    static const std::string agent = std::string("ses-upgrade-monitor/") + sesmon::version;
    return agent;
}

// Prune the idle pool at most this often: it walks every pooled connection.
constexpr auto prune_period = std::chrono::seconds(1);
// Parsed URLs kept at most (API regions, webhook URLs): past it the cache starts over.
constexpr std::size_t max_cached_targets = 256;

}  // namespace

// A URL as send() needs it, parsed once.
struct https_client::target {
    common::parsed_url url;
    std::string origin;         // "https://host:port", for messages and the pool
    std::string host_header;    // Host
    idle_list* idle = nullptr;  // this origin's pool (an entry of idle_)
};

namespace {

http::request<http::string_body> to_beast(http_request& request, const common::parsed_url& url,
                                          const std::string& host) {
    http::request<http::string_body> req;
    const auto verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) {
        req.method_string(request.method);
    } else {
        req.method(verb);
    }
    req.target(url.target);
    req.version(11);
    for (const auto& [name, value] : request.headers) {
        req.insert(name, value);
    }
    if (!has_header(request.headers, "Host")) {
        req.set(http::field::host, host);
    }
    if (!has_header(request.headers, "User-Agent")) {
        req.set(http::field::user_agent, default_user_agent());
    }
    req.body() = std::move(request.body);
    if (!req.body().empty() || verb == http::verb::post || verb == http::verb::put ||
        verb == http::verb::patch) {
        req.prepare_payload();
    }
    return req;
}

http_response from_beast(http::response<http::string_body>&& res) {
    http_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    return out;
}

struct exchange_outcome {
    error_code ec;
    exchange_stage stage = exchange_stage::write;
    bool got_response_bytes = false;
    bool keep_alive = false;
    http::response<http::string_body> response;
};

// One request/response on an open connection. The connection's deadline is already set.
template <class Stream>
asio::awaitable<exchange_outcome> exchange(Stream& stream, beast::flat_buffer& buffer,
                                           http::request<http::string_body>& req,
                                           std::size_t max_body) {
    exchange_outcome out;
    auto [write_ec, written] = co_await http::async_write(stream, req, use_tuple);
    (void)written;
    if (write_ec) {
        out.ec = write_ec;
        co_return out;
    }
    out.stage = exchange_stage::read;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    if (req.method() == http::verb::head) {
        parser.skip(true);
    }
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
    (void)read;
    out.got_response_bytes = parser.got_some();
    if (read_ec) {
        out.ec = read_ec;
        co_return out;
    }
    out.keep_alive = parser.get().keep_alive();
    out.response = parser.release();
    co_return out;
}

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

}  // namespace

https_client::https_client(asio::any_io_executor executor, https_client_options options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      tls_context_(make_client_tls_context(options_.ca_file)),
      resolver_(executor_, options_.dns) {}

https_client::~https_client() = default;

std::size_t https_client::idle_connections() const {
    std::size_t n = 0;
    for (const auto& [origin, list] : idle_) {
        n += list.size();
    }
    return n;
}

void https_client::close_idle() {
    for (auto& [origin, list] : idle_) {
        for (auto& connection : list) {
            connection->close();
        }
        list.clear();
    }
}

void https_client::prune_idle() {
    const auto now = std::chrono::steady_clock::now();
    if (now - pruned_at_ < prune_period)
        return;
    pruned_at_ = now;
    const auto oldest = now - options_.idle_timeout;
    for (auto& [origin, list] : idle_) {
        std::erase_if(list, [&](const connection_ptr& c) {
            if (c->idle_since >= oldest)
                return false;
            c->close();
            return true;
        });
    }
}

std::shared_ptr<const https_client::target> https_client::target_for(const std::string& url) {
    if (const auto it = targets_.find(url); it != targets_.end())
        return it->second;
    auto parsed = common::parse_url(url);
    if (!parsed)
        return nullptr;
    if (targets_.size() >= max_cached_targets)
        targets_.clear();
    auto t = std::make_shared<target>();
    t->origin = parsed->origin();
    t->host_header = host_header(*parsed);
    t->idle = &idle_[t->origin];
    t->url = std::move(*parsed);
    return targets_.emplace(url, std::move(t)).first->second;
}

https_client::connection_ptr https_client::take_idle(idle_list& idle) {
    if (idle.empty())
        return nullptr;
    auto connection = std::move(idle.back());  // most recently used: likeliest alive
    idle.pop_back();
    return connection;
}

void https_client::put_idle(idle_list& idle, connection_ptr connection) {
    if (idle.size() >= options_.max_idle_connections_per_host) {
        connection->close();
        return;
    }
    connection->idle_since = std::chrono::steady_clock::now();
    idle.push_back(std::move(connection));
}

asio::awaitable<https_client::open_result> https_client::open(const target& to,
                                                              steady_time deadline) {
    const common::parsed_url& url = to.url;
    const std::string& origin = to.origin;
    auto connection =
        std::make_unique<https_connection>(executor_, url.tls() ? &tls_context_ : nullptr);

    auto resolved = co_await resolver_.resolve(
        url.host, static_cast<unsigned short>(std::stoi(url.port)), deadline);
    if (resolved.timed_out) {
        co_return make_timeout_error(origin, exchange_stage::resolve);
    }
    if (!resolved.ok()) {
        co_return http_error{http_error_kind::dns,
                             "cannot resolve the host of " + origin + ": " + resolved.error};
    }
    const std::vector<tcp::endpoint> endpoints = std::move(resolved.endpoints);
    error_code ec;

    connection->tcp().expires_at(deadline);
    auto [connect_ec, endpoint] = co_await connection->tcp().async_connect(endpoints, use_tuple);
    (void)endpoint;
    if (connect_ec) {
        if (connect_ec == beast::error::timeout) {
            co_return make_timeout_error(origin, exchange_stage::connect);
        }
        co_return http_error{http_error_kind::connect,
                             "cannot connect to " + origin + ": " + connect_ec.message()};
    }
    ++connections_opened_;
    if (options_.on_connection_opened)
        options_.on_connection_opened();
    connection->tcp().socket().set_option(tcp::no_delay(true), ec);

    if (connection->is_tls()) {
        if (!set_peer_name(connection->tls().native_handle(), url.host)) {
            co_return http_error{http_error_kind::tls, "cannot set up TLS for " + origin};
        }
        connection->tcp().expires_at(deadline);
        auto [handshake_ec] =
            co_await connection->tls().async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (handshake_ec) {
            if (handshake_ec == beast::error::timeout) {
                co_return make_timeout_error(origin, exchange_stage::handshake);
            }
            co_return make_tls_error(origin, handshake_ec,
                                     SSL_get_verify_result(connection->tls().native_handle()));
        }
    }
    co_return connection;
}

asio::awaitable<void> https_client::close_gracefully(connection_ptr connection,
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

asio::awaitable<http_result> https_client::send(http_request request) {
    const auto to = target_for(request.url);
    if (to == nullptr) {
        co_return http_error{http_error_kind::invalid_url,
                             "invalid URL: not an absolute http(s) URL"};
    }
    const auto& url = to->url;
    if (!url.tls() && !common::is_loopback_host(url.host)) {
        co_return http_error{
            http_error_kind::invalid_url,
            "plain http:// is only allowed to loopback hosts, not to " + to->origin};
    }
    const std::string& origin = to->origin;
    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    auto req = to_beast(request, url, to->host_header);
    prune_idle();

    for (int attempt = 0;; ++attempt) {
        auto connection = take_idle(*to->idle);
        const bool reused = connection != nullptr;
        if (!reused) {
            auto opened = co_await open(*to, deadline);
            if (!opened) {
                co_return opened.error();
            }
            connection = std::move(*opened);
        }
        connection->tcp().expires_at(deadline);
        auto outcome = co_await connection->visit([&](auto& stream) {
            return exchange(stream, connection->buffer(), req, options_.max_body_bytes);
        });
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
        if (reused && attempt == 0 && !outcome.got_response_bytes && !expired &&
            is_peer_closed(outcome.ec)) {
            continue;  // the pooled connection was stale: one fresh attempt
        }
        if (expired || outcome.ec == beast::error::timeout) {
            co_return make_timeout_error(origin, outcome.stage);
        }
        co_return make_exchange_error(origin, outcome.stage, outcome.ec);
    }
}

}  // namespace sesmon::net
