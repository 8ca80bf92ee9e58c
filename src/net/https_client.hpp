#pragma once
// https_client: the project's HTTP(S) client for the API and webhooks (sesmon::http_client),
// a thin face of net::connection_pool (keep-alive per origin, one deadline per request,
// c-ares DNS, TLS verification, http:// only to loopback; see connection_pool.hpp).
// Requests it sends are not idempotent to the transport: only a pooled connection the
// peer closed before answering is tried again (the API's and the receivers' retries are
// their callers' business, with their backoff and Retry-After).
//
// Thread-safety: none. Create it on the executor that calls send() (the project runs one
// single-threaded io_context). It must outlive every send() in flight.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <string>

#include "net/connection_pool.hpp"
#include "net/resolver.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon::net {

struct https_client_options {
    std::string ca_file;                            // extra PEM CAs, trusted besides the system's
    std::size_t max_body_bytes = 10 * 1024 * 1024;  // larger → http_error_kind::body_too_large
    // Kept for reuse per origin. Size it to the caller's concurrency (the most requests it
    // runs at once): a smaller pool closes connections that the next requests then open
    // again, a TCP connect and a full TLS handshake each.
    std::size_t max_idle_connections_per_host = 4;
    duration idle_timeout = std::chrono::seconds(30);  // pooled longer than this → closed
    resolver_options dns;                              // DNS servers (tests), c-ares timeouts
    // Called once per connection established (TCP connect succeeded), e.g. for a metric.
    std::function<void()> on_connection_opened;
};

class https_client final : public http_client {
  public:
    // Throws std::runtime_error when options.ca_file is set and cannot be loaded.
    https_client(boost::asio::any_io_executor executor, https_client_options options = {});

    boost::asio::awaitable<http_result> send(http_request request) override;

    // Connections established since construction (TCP connect succeeded). Tests use it to
    // prove reuse.
    std::size_t connections_opened() const { return pool_.connections_opened(); }
    // Connections currently idle in the pool, over all origins.
    std::size_t idle_connections() const { return pool_.idle_connections(); }
    // Closes every idle connection.
    void close_idle() { pool_.close_idle(); }
    // A new pool size (e.g. after a reload changed the caller's concurrency). Idle
    // connections beyond it are closed when they are next returned or pruned.
    void set_max_idle_connections_per_host(std::size_t n) { pool_.set_max_idle_per_origin(n); }

  private:
    connection_pool pool_;
};

}  // namespace sesmon::net
