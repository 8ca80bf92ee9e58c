#pragma once
// etcd_transport: HTTP/1.1 to etcd's JSON gateway, plain or TLS (optionally with a client
// certificate), over one of several endpoints. Two shapes of exchange:
// - post(): one request, one answer, on a pooled keep-alive connection;
// - open_stream(): a request whose 200 answer is a long-lived chunked stream of JSON
//   messages, one per line (watch), on a connection of its own.
//
// Endpoints: requests go to the current endpoint; when it cannot be reached (connect,
// TLS, reset) the next one is tried within the same deadline, and stays current.
// TLS: the peer is verified against the system CA store plus ca_file, host name or IP
// included; SNI for names. http:// only to loopback hosts (the configuration enforces it).
//
// Errors are values: etcd_error of kind unreachable for anything below HTTP (with the
// endpoint's origin in the message, never a token). Not thread-safe; one executor. Must
// outlive every exchange in flight and every stream it opened.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ha/etcd_types.hpp"
#include "sesmon/time.hpp"

namespace sesmon::ha {

struct etcd_tls_files {
    std::string ca_file;    // extra PEM CAs trusted for etcd's certificate
    std::string cert_file;  // client certificate (mTLS), with key_file
    std::string key_file;
};

// A raw answer: status and body.
struct etcd_answer {
    int status = 0;
    std::string body;
};

class etcd_connection;

// The answer of an open_stream() that was accepted (200): its messages, one at a time.
class etcd_stream {
  public:
    explicit etcd_stream(std::unique_ptr<etcd_connection> connection, std::string origin);
    ~etcd_stream();
    etcd_stream(const etcd_stream&) = delete;
    etcd_stream& operator=(const etcd_stream&) = delete;

    // The next message (a line of the body, without its newline). An error (kind
    // unreachable) when nothing arrived for `idle_timeout`, the connection broke, cancel()
    // was called, or the stream ended.
    boost::asio::awaitable<etcd_result<std::string>> next(duration idle_timeout);
    // Ends the stream: a next() in progress returns an error. Idempotent.
    void cancel();

  private:
    friend class etcd_transport;
    struct state;
    std::unique_ptr<state> state_;
};

class etcd_transport {
  public:
    // Throws std::runtime_error naming the file when a CA, certificate or key cannot be
    // loaded (a configuration error, reported at start), or when `endpoints` is empty.
    etcd_transport(boost::asio::any_io_executor executor, std::vector<std::string> endpoints,
                   const etcd_tls_files& tls);
    ~etcd_transport();
    etcd_transport(const etcd_transport&) = delete;
    etcd_transport& operator=(const etcd_transport&) = delete;

    // POSTs `body` (JSON) to `path` ("/v3/kv/range"), with `authorization` when not empty.
    // The answer of any status, or an unreachable error when no endpoint answered within
    // `timeout`.
    boost::asio::awaitable<etcd_result<etcd_answer>> post(std::string path, std::string body,
                                                          std::string authorization,
                                                          duration timeout);

    // POSTs a streaming request on a new connection. A 200 answer becomes a stream; any
    // other status is read (bounded) and returned as the error etcd gave.
    boost::asio::awaitable<etcd_result<std::unique_ptr<etcd_stream>>> open_stream(
        std::string path, std::string body, std::string authorization, duration timeout);

    const boost::asio::any_io_executor& executor() const { return executor_; }
    // The endpoint requests go to now (an origin: "https://10.0.0.5:2379").
    std::string current_endpoint() const;
    // Connections opened so far (tests prove reuse with it).
    std::size_t connections_opened() const { return connections_opened_; }
    // Closes the idle pooled connections.
    void close_idle();

  private:
    struct endpoint;
    using connection_ptr = std::unique_ptr<etcd_connection>;

    boost::asio::awaitable<etcd_result<connection_ptr>> connect(std::size_t index,
                                                                steady_time deadline);
    boost::asio::awaitable<etcd_result<connection_ptr>> connect_any(steady_time deadline);

    boost::asio::any_io_executor executor_;
    std::vector<endpoint> endpoints_;
    std::optional<boost::asio::ssl::context> tls_;
    std::size_t current_ = 0;
    std::vector<connection_ptr> idle_;  // to endpoints_[current_]
    std::size_t connections_opened_ = 0;
};

}  // namespace sesmon::ha
