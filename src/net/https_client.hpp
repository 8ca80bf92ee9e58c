#pragma once
// https_client: the project's HTTP(S) client (sesmon::http_client) on Beast coroutines.
//
// - Keep-alive: connections are pooled per origin (scheme, host, port). Size the pool to the
//   caller's concurrency (max_idle_connections_per_host = the most requests it runs at
//   once): a pool smaller than that closes connections that the next requests then open
//   again, a TCP connect and a full TLS handshake each. A pooled connection that turns out
//   to be closed by the peer before any byte of the response arrived is retried once on a
//   fresh connection — only then, so a request is never sent twice after the server may
//   have started answering it.
// - A URL is parsed once: the parsed form (origin, Host header, request-target) is kept per
//   URL string, so a caller that sends to the same few URLs parses nothing per request.
// - One deadline per request (http_request::timeout) covers resolve, connect, TLS
//   handshake, write and read. Names are resolved by net::resolver (c-ares on the event
//   loop), so a hung lookup ends at the deadline and holds up no other; IP literals skip it.
// - TLS: peer verification against the system CA store plus options.ca_file, host-name
//   (or IP) verification, SNI, TLS 1.2 or newer.
// - http:// only to loopback hosts (common::is_loopback_host); anything else is refused.
// - Errors are values (http_error); messages name the origin, never the full URL (webhook
//   URLs are secrets). Responses of any status (401, 429, 5xx, ...) are responses.
// - Sets "User-Agent: ses-upgrade-monitor/<version>" unless the request has one, and Host.
//
// Thread-safety: none. Create it on the executor that calls send() (the project runs one
// single-threaded io_context). It must outlive every send() in flight.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/resolver.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon::common {
struct parsed_url;
}

namespace sesmon::net {

class https_connection;

struct https_client_options {
    std::string ca_file;                            // extra PEM CAs, trusted besides the system's
    std::size_t max_body_bytes = 10 * 1024 * 1024;  // larger → http_error_kind::body_too_large
    std::size_t max_idle_connections_per_host = 4;  // kept for reuse per origin
    duration idle_timeout = std::chrono::seconds(30);  // pooled longer than this → closed
    resolver_options dns;                              // DNS servers (tests), c-ares timeouts
    // Called once per connection established (TCP connect succeeded), e.g. for a metric.
    std::function<void()> on_connection_opened;
};

class https_client final : public http_client {
  public:
    // Throws std::runtime_error when options.ca_file is set and cannot be loaded.
    https_client(boost::asio::any_io_executor executor, https_client_options options = {});
    ~https_client() override;
    https_client(const https_client&) = delete;
    https_client& operator=(const https_client&) = delete;

    boost::asio::awaitable<http_result> send(http_request request) override;

    // Connections established since construction (TCP connect succeeded). Tests use it to
    // prove reuse.
    std::size_t connections_opened() const { return connections_opened_; }
    // Connections currently idle in the pool, over all origins.
    std::size_t idle_connections() const;
    // Closes every idle connection.
    void close_idle();
    // A new pool size (e.g. after a reload changed the caller's concurrency). Idle
    // connections beyond it are closed when they are next returned or pruned.
    void set_max_idle_connections_per_host(std::size_t n) {
        options_.max_idle_connections_per_host = n;
    }

  private:
    using connection_ptr = std::unique_ptr<https_connection>;
    using open_result = boost::system::result<connection_ptr, http_error>;
    using idle_list = std::vector<connection_ptr>;
    struct target;

    std::shared_ptr<const target> target_for(const std::string& url);
    boost::asio::awaitable<open_result> open(const target& to, steady_time deadline);
    connection_ptr take_idle(idle_list& idle);
    void put_idle(idle_list& idle, connection_ptr connection);
    void prune_idle();
    boost::asio::awaitable<void> close_gracefully(connection_ptr connection, steady_time deadline);

    boost::asio::any_io_executor executor_;
    https_client_options options_;
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
