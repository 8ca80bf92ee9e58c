#pragma once
// http_server: a small HTTP/1.1 server (plain or TLS) on Beast coroutines, used by the
// simulator and by the daemon's read-only status server. Requests and responses cross this
// header as plain values, so users never see Beast.
//
// Threading and ownership:
// - The server runs on the io_context whose executor it is given; it is single-threaded:
//   construct, start(), stop() and the destructor must be called from that io_context's
//   thread (or before it runs). The handler is invoked on that thread, one request at a
//   time per connection (many connections may be in flight at once).
// - The server owns its acceptor and connections. stop() closes the acceptor and asks
//   every connection to finish the response in progress and close; connections that are
//   idle are closed at once. Coroutines that are still unwinding keep the shared state
//   alive, so destroying the server after stop() is safe even before they finish.
// - The handler is copied into the server and must stay valid (its captures too) until
//   the io_context has stopped running the server's coroutines.
// - Errors in one connection (bad requests, resets, handler exceptions) never stop the
//   server: a handler that throws answers 500 and the exception is logged.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/http_client.hpp"
#include "sesmon/time.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::net {

struct server_request {
    std::string method;  // "GET", "POST", ... as received
    std::string target;  // the request-target exactly as on the wire: "/path?query"
    std::string body;
    sesmon::http_headers headers;  // as received, in order
    std::string remote;            // "ip:port" of the peer

    // The first header of that name, compared case-insensitively.
    std::optional<std::string> header(std::string_view name) const;
    // The target without its query ("/a/b" for "/a/b?x=1").
    std::string_view path() const;
    // The raw (not percent-decoded) value of a query parameter; nullopt when absent.
    std::optional<std::string> query_param(std::string_view name) const;
};

struct server_response {
    int status = 200;
    sesmon::http_headers headers;  // Content-Length is set by the server
    std::string body;

    // Fault injection, for the simulator:
    //   hang     — read the request, never answer; the connection is held until the peer
    //              closes it or the server stops.
    //   reset    — close the connection (TCP RST) without answering.
    //   truncate — send the headers with the full Content-Length, then half the body,
    //              then close.
    //   slow     — send headers, then the body in chunks of slow_chunk_bytes with
    //              slow_chunk_delay between chunks.
    enum class fault_kind { none, hang, reset, truncate, slow };
    fault_kind fault = fault_kind::none;
    duration slow_chunk_delay = std::chrono::milliseconds(200);
    std::size_t slow_chunk_bytes = 64;
    // Ask the server to close the connection after this response.
    bool close = false;
};

using server_handler = std::function<boost::asio::awaitable<server_response>(server_request)>;

struct http_server_options {
    std::string listen = "127.0.0.1:0";  // "host:port", IPv4/IPv6 literal or "localhost"
    // TLS when both are set (PEM files); plain HTTP otherwise.
    std::string tls_cert_file;
    std::string tls_key_file;
    // Alternatively, the PEM text itself (used when the file fields are empty).
    std::string tls_cert_pem;
    std::string tls_key_pem;
    std::size_t max_header_bytes = 16 * 1024;  // over → 431 and close
    std::size_t max_body_bytes = 1024 * 1024;  // over → 413 and close
    // Connections (SPEC §7). At max_connections a new one closes the oldest idle one
    // (waiting for its request's headers, or for the next request of a keep-alive) to make
    // room; when every one is busy, up to reserved_connections more are served for the
    // reserved_paths only (a scrape or a health check still answers while clients hold
    // every slot; other paths get 503); beyond that a new connection is closed at once.
    std::size_t max_connections = 256;
    std::size_t reserved_connections = 16;
    std::vector<std::string> reserved_paths = {"/healthz", "/readyz", "/metrics"};
    // From accept to the first request's last header byte: a client that opens a
    // connection and sends nothing (or a header a byte at a time) holds it this long.
    duration header_timeout = std::chrono::seconds(5);
    duration read_timeout = std::chrono::seconds(30);  // a request's body, and a TLS handshake
    duration idle_timeout = std::chrono::seconds(60);  // keep-alive wait for the next request
    duration write_timeout = std::chrono::seconds(60);
    bool keep_alive = true;  // false → "Connection: close" after every response
};

class http_server {
  public:
    // Throws std::invalid_argument for a bad `listen`, std::runtime_error when the TLS
    // files cannot be loaded. Nothing listens before start().
    http_server(boost::asio::any_io_executor executor, http_server_options options,
                server_handler handler, std::shared_ptr<spdlog::logger> logger);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Binds and starts accepting. Throws boost::system::system_error when the address
    // cannot be bound. Call once.
    void start();
    // The bound port (useful with port 0); 0 before start().
    unsigned short port() const;
    // "http" or "https".
    std::string_view scheme() const;
    // Graceful: stops accepting, lets in-flight responses finish, closes idle and hung
    // connections. Idempotent. The io_context's run() returns once every connection has
    // finished (and nothing else holds work).
    void stop();
    // Connections currently open.
    std::size_t connection_count() const;

    struct state;

  private:
    std::shared_ptr<state> state_;
};

}  // namespace sesmon::net
