#pragma once
// connection_pool: the project's one HTTP/1.1 client transport. net::https_client (the API,
// webhooks) and ha::etcd_client (etcd's JSON gateway) both send through it.
//
// - Connections are pooled per origin (scheme, host, port) and reused (keep-alive). At most
//   max_idle_per_origin stay idle per origin; idle ones older than idle_timeout are closed
//   by the next request to any origin (at most once a second: it walks the pool). No timer
//   of its own: a pool never keeps the event loop from running out at a stop.
// - One deadline per request (http_request::timeout): resolve, connect, TLS handshake,
//   write and read. send_options::connect_timeout bounds the connection part as well, so
//   that a caller with several servers to choose from (etcd endpoints) spends only a share
//   of its deadline on one that does not accept.
// - Names are resolved by net::resolver (c-ares on the event loop); IP literals skip it.
// - TLS: verification against the system CA store plus ca_file, host name (or IP) checked,
//   SNI for names, TLS 1.2 or newer; an optional client certificate (mutual TLS).
// - http:// only to loopback hosts (common::is_loopback_host); anything else is refused.
// - Retries, at most one per request and within its deadline, on a fresh connection:
//   * any request whose pooled connection turns out to have been closed by the peer
//     before a byte of the answer arrived (the keep-alive race: the server closed it while
//     idle, so it never saw the request);
//   * an idempotent request (send_options::idempotent) after any failure of the exchange
//     other than its deadline.
//   Nothing else is sent twice: a request that may have been acted on is never repeated
//   by the transport (an etcd transaction applied twice would be a second campaign).
// - Line streams (open_stream): a request whose 200 answer is a long-lived body of
//   newline-separated messages (etcd's watch), read one line at a time on a connection of
//   its own that never returns to the pool.
// - Errors are values (http_error); messages name the origin, never the full URL (webhook
//   URLs are secrets). Responses of any status are responses.
// - Sets "User-Agent: ses-upgrade-monitor/<version>" unless the request has one, and Host.
//
// Thread-safety: none. Create it on the executor that calls it (one single-threaded
// io_context). It must outlive every send() and every line_stream it opened.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/resolver.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon::net {

class https_connection;

struct pool_options {
    std::string ca_file;    // extra PEM CAs, trusted besides the system's
    std::string cert_file;  // client certificate (PEM chain) for mutual TLS, with key_file
    std::string key_file;
    std::size_t max_body_bytes = 10 * 1024 * 1024;     // larger → body_too_large
    std::size_t max_idle_per_origin = 4;               // kept for reuse per origin
    duration idle_timeout = std::chrono::seconds(30);  // idle longer than this → closed
    resolver_options dns;                              // DNS servers (tests), c-ares timeouts
    // Called once per connection established (TCP connect succeeded), e.g. for a metric.
    std::function<void()> on_connection_opened;
};

struct send_options {
    // The request may be sent again after a failed exchange (a read, a lease keep-alive):
    // see the retries above.
    bool idempotent = false;
    // Resolve + connect + TLS handshake within this too (0: only the request's deadline).
    duration connect_timeout{0};
    std::size_t max_body_bytes = 0;  // 0: pool_options::max_body_bytes
};

// The body of a streamed answer, one line at a time.
class line_stream {
  public:
    ~line_stream();
    line_stream(const line_stream&) = delete;
    line_stream& operator=(const line_stream&) = delete;

    // The next non-empty line, without its line end. An error (kind timeout) when nothing
    // arrived for `idle_timeout`; (kind reset) when the connection broke, the server ended
    // the body, or cancel() was called.
    boost::asio::awaitable<boost::system::result<std::string, http_error>> next(
        duration idle_timeout);
    // Ends the stream: a next() in progress returns an error. Idempotent.
    void cancel();
    const std::string& origin() const;

  private:
    friend class connection_pool;
    struct state;
    explicit line_stream(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

// What open_stream() got: a stream for a 200 answer; otherwise the answer itself (its body
// read up to 64 KiB), which says why the server refused.
struct stream_answer {
    std::unique_ptr<line_stream> stream;
    http_response refused;
};
using stream_result = boost::system::result<stream_answer, http_error>;

class connection_pool {
  public:
    // Throws std::runtime_error naming the file when a CA file, certificate or key cannot
    // be loaded (a configuration error, reported once at start-up).
    connection_pool(boost::asio::any_io_executor executor, pool_options options = {});
    ~connection_pool();
    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;

    boost::asio::awaitable<http_result> send(http_request request, send_options options = {});
    // Sends `request` on a connection of its own and reads the answer's head.
    boost::asio::awaitable<stream_result> open_stream(http_request request,
                                                      send_options options = {});

    const boost::asio::any_io_executor& executor() const { return executor_; }
    // Connections established since construction (TCP connect succeeded).
    std::size_t connections_opened() const { return connections_opened_; }
    // Connections idle in the pool now, over all origins.
    std::size_t idle_connections() const;
    // Closes every idle connection.
    void close_idle();
    // A new pool size (e.g. after a reload changed the caller's concurrency). Idle
    // connections beyond it are closed when they are next returned or pruned.
    void set_max_idle_per_origin(std::size_t n) { options_.max_idle_per_origin = n; }

  private:
    using connection_ptr = std::unique_ptr<https_connection>;
    using open_result = boost::system::result<connection_ptr, http_error>;
    using idle_list = std::vector<connection_ptr>;
    struct target;
    struct plan;

    std::shared_ptr<const target> target_for(const std::string& url, http_error& error);
    // Where `request` goes and by when; nullopt (with the error) for a URL refused.
    std::optional<plan> plan_for(const http_request& request, const send_options& options,
                                 http_error& error);
    boost::asio::awaitable<open_result> open(const target& to, steady_time deadline);
    connection_ptr take_idle(idle_list& idle);
    void put_idle(idle_list& idle, connection_ptr connection);
    void prune_idle();
    boost::asio::awaitable<void> close_gracefully(connection_ptr connection, steady_time deadline);

    boost::asio::any_io_executor executor_;
    pool_options options_;
    boost::asio::ssl::context tls_context_;
    resolver resolver_;
    // Idle connections by origin. Entries are never erased while targets_ points at them.
    std::map<std::string, idle_list> idle_;
    // Parsed URLs by URL string, bounded (cleared when it grows past a limit).
    // Shared: a send() in flight keeps its own even when the cache starts over.
    std::unordered_map<std::string, std::shared_ptr<const target>> targets_;
    steady_time pruned_at_{};
    std::size_t connections_opened_ = 0;
};

}  // namespace sesmon::net
