#pragma once
// Internals of http_server shared by its two translation units: the server's shared state
// and the per-connection coroutine. Not for use outside src/net.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.hpp"

namespace sesmon::net {

// One open connection as the server sees it, so stop() and a full server can close the
// idle ones.
struct server_connection_entry {
    bool busy = false;            // a request is being read or answered
    bool reserved_only = false;   // admitted beyond max_connections: reserved paths only
    std::function<void()> close;  // closes the socket (wakes any pending operation)
};

struct http_server::state {
    boost::asio::any_io_executor executor;
    http_server_options options;
    server_handler handler;
    std::shared_ptr<spdlog::logger> logger;
    std::optional<boost::asio::ssl::context> tls;
    boost::asio::ip::tcp::acceptor acceptor;
    unsigned short port = 0;
    bool stopping = false;
    std::uint64_t next_connection_id = 0;
    // By id, so the first idle one found is the oldest.
    std::map<std::uint64_t, server_connection_entry*> connections;
    // An episode at the connection limit: logged when it starts and when it ends.
    bool at_limit = false;
    std::uint64_t evicted = 0;  // idle connections closed to make room, this episode
    std::uint64_t refused = 0;  // connections closed at once, this episode

    state(boost::asio::any_io_executor ex, http_server_options opts, server_handler h,
          std::shared_ptr<spdlog::logger> log)
        : executor(ex),
          options(std::move(opts)),
          handler(std::move(h)),
          logger(std::move(log)),
          acceptor(ex) {}
};

// A completion handler for co_spawn that logs an escaped exception as "<what>: <message>".
std::function<void(std::exception_ptr)> log_failure(std::shared_ptr<spdlog::logger> logger,
                                                    std::string what);

// The server lost a connection: the end of an episode at the limit is logged here.
void connection_closed(http_server::state& state);

// Serves one accepted connection until the peer closes it, an error occurs, or the server
// stops; `reserved_only`: admitted beyond max_connections, it is served the reserved paths
// only. Never throws for network conditions.
boost::asio::awaitable<void> serve_connection(std::shared_ptr<http_server::state> state,
                                              boost::asio::ip::tcp::socket socket,
                                              bool reserved_only);

}  // namespace sesmon::net
