#include "net/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "common/text.hpp"
#include "net/server_connection.hpp"

namespace sesmon::net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

tcp::endpoint parse_listen(const std::string& listen) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon + 1 == listen.size()) {
        throw std::invalid_argument("listen address must be host:port, got \"" + listen + "\"");
    }
    std::string host = listen.substr(0, colon);
    std::string port_text = listen.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host == "localhost")
        host = "127.0.0.1";
    if (host.empty())
        host = "0.0.0.0";
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
        throw std::invalid_argument("bad port in listen address \"" + listen + "\"");
    }
    boost::system::error_code addr_ec;
    auto address = asio::ip::make_address(host, addr_ec);
    if (addr_ec) {
        throw std::invalid_argument("listen host must be an IP literal or localhost, got \"" +
                                    host + "\"");
    }
    return {address, static_cast<unsigned short>(port)};
}

// Closes the oldest connection that is not busy (waiting for a request); false if all are.
bool evict_oldest_idle(http_server::state& st) {
    for (auto& [id, entry] : st.connections) {
        if (!entry->busy) {
            entry->busy = true;  // closing: not a candidate again
            entry->close();
            return true;
        }
    }
    return false;
}

// Whether a new connection may be served, and how: nullopt to close it, else whether it is
// reserved-only (http_server_options, max_connections).
std::optional<bool> admit(http_server::state& st) {
    const auto& o = st.options;
    if (st.connections.size() < o.max_connections)
        return false;
    if (!st.at_limit) {
        st.at_limit = true;
        st.logger->warn(
            "http server on port {}: {} connections, the limit: the oldest idle ones are closed "
            "to make room, and while every one is busy {} more serve only {}",
            st.port, o.max_connections, o.reserved_connections,
            o.reserved_paths.empty() ? std::string("nothing") : [&] {
                std::string paths;
                for (const auto& p : o.reserved_paths)
                    paths += (paths.empty() ? "" : ", ") + p;
                return paths;
            }());
    }
    if (evict_oldest_idle(st)) {
        ++st.evicted;
        return false;
    }
    if (st.connections.size() < o.max_connections + o.reserved_connections)
        return true;
    ++st.refused;
    return std::nullopt;
}

asio::awaitable<void> accept_loop(std::shared_ptr<http_server::state> st) {
    for (;;) {
        auto [ec, socket] = co_await st->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (st->stopping || ec == asio::error::operation_aborted)
            co_return;
        if (ec) {
            // Descriptor exhaustion and the like: log, pause (not to spin), keep accepting.
            st->logger->warn("http server on port {}: accept failed: {}", st->port, ec.message());
            asio::steady_timer pause(st->executor, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        const auto admitted = admit(*st);
        if (!admitted) {
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        asio::co_spawn(st->executor, serve_connection(st, std::move(socket), *admitted),
                       log_failure(st->logger, "http server connection failed"));
    }
}

}  // namespace

void connection_closed(http_server::state& st) {
    // Over when half the slots are free again (not at every close near the limit).
    if (!st.at_limit || st.connections.size() > st.options.max_connections / 2)
        return;
    st.at_limit = false;
    st.logger->info(
        "http server on port {}: below the connection limit again ({} idle connection(s) "
        "closed to make room, {} refused)",
        st.port, std::exchange(st.evicted, 0), std::exchange(st.refused, 0));
}

std::function<void(std::exception_ptr)> log_failure(std::shared_ptr<spdlog::logger> logger,
                                                    std::string what) {
    return [logger = std::move(logger), what = std::move(what)](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            logger->error("{}: {}", what, ex.what());
        } catch (...) {
            logger->error("{}: unknown exception", what);
        }
    };
}

std::optional<std::string> server_request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (common::iequals(key, name))
            return value;
    }
    return std::nullopt;
}

std::string_view server_request::path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::optional<std::string> server_request::query_param(std::string_view name) const {
    std::string_view t = target;
    auto q = t.find('?');
    if (q == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = t.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        if (key == name) {
            return std::string(eq == std::string_view::npos ? std::string_view{}
                                                            : pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos)
            break;
        rest = rest.substr(amp + 1);
    }
    return std::nullopt;
}

http_server::http_server(asio::any_io_executor executor, http_server_options options,
                         server_handler handler, std::shared_ptr<spdlog::logger> logger)
    : state_(std::make_shared<state>(executor, std::move(options), std::move(handler),
                                     std::move(logger))) {
    parse_listen(state_->options.listen);  // validate early
    const auto& o = state_->options;
    if (o.tls_cert_file.empty() != o.tls_key_file.empty() ||
        o.tls_cert_pem.empty() != o.tls_key_pem.empty()) {
        throw std::invalid_argument("TLS needs both a certificate and a key");
    }
    bool from_files = !o.tls_cert_file.empty();
    if (from_files || !o.tls_cert_pem.empty()) {
        auto& ctx = state_->tls.emplace(asio::ssl::context::tls_server);
        ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1);
        boost::system::error_code ec;
        if (from_files) {
            ctx.use_certificate_chain_file(o.tls_cert_file, ec);
        } else {
            ctx.use_certificate_chain(asio::buffer(o.tls_cert_pem), ec);
        }
        if (ec) {
            throw std::runtime_error("cannot load TLS certificate " + o.tls_cert_file + ": " +
                                     ec.message());
        }
        if (from_files) {
            ctx.use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
        } else {
            ctx.use_private_key(asio::buffer(o.tls_key_pem), asio::ssl::context::pem, ec);
        }
        if (ec) {
            throw std::runtime_error("cannot load TLS key " + o.tls_key_file + ": " + ec.message());
        }
    }
}

http_server::~http_server() {
    stop();
}

void http_server::start() {
    auto endpoint = parse_listen(state_->options.listen);
    auto& acc = state_->acceptor;
    acc.open(endpoint.protocol());
    acc.set_option(tcp::acceptor::reuse_address(true));
    acc.bind(endpoint);
    acc.listen(asio::socket_base::max_listen_connections);
    state_->port = acc.local_endpoint().port();
    asio::co_spawn(state_->executor, accept_loop(state_),
                   log_failure(state_->logger, "http server accept loop failed"));
}

unsigned short http_server::port() const {
    return state_->port;
}

std::string_view http_server::scheme() const {
    return state_->tls ? "https" : "http";
}

void http_server::stop() {
    if (state_->stopping)
        return;
    state_->stopping = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    // Copy first: closing can complete synchronously in nothing, but be safe against
    // entries removing themselves while we iterate.
    std::vector<server_connection_entry*> entries;
    for (auto& [id, entry] : state_->connections)
        entries.push_back(entry);
    for (auto* entry : entries) {
        if (!entry->busy)
            entry->close();
    }
}

std::size_t http_server::connection_count() const {
    return state_->connections.size();
}

}  // namespace sesmon::net
