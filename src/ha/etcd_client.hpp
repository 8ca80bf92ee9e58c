#pragma once
// etcd_client: the etcd v3 operations this project uses, over etcd's JSON gateway: range,
// put, delete, txn, lease grant / keep-alive / revoke, watch, and the maintenance calls
// (compaction, status). HTTP is net::connection_pool's (one transport for the project: TLS
// with client certificates, c-ares, deadlines, the keep-alive pool, line streams for
// watches); the JSON is etcd_json's. What is etcd's own here:
//
// Endpoints. Requests go to the current endpoint. It is left for the next one when it
// cannot serve: it cannot be reached (connect, TLS, a broken or timed-out exchange), or it
// answers that it cannot (gRPC Unavailable — "no leader", "request timed out", "leader
// changed" —, HTTP 503, "too many requests"). Each endpoint gets a share of the request's
// deadline to connect in (the deadline left / the endpoints not tried yet), so one
// black-holed endpoint of three costs a third of one deadline once, not every request.
// A request is tried on the next endpoint within its deadline when that is safe: it never
// reached the member (connect, DNS, TLS), etcd said "no leader" (refused before it was
// proposed), or it is idempotent (reads, keep-alives, revokes, watches, compactions, and
// transactions whose caller says so). A campaign transaction is never sent twice.
//
// Authentication: with a username, the client authenticates (/v3/auth/authenticate) before
// its first request and sends the token with every request; when etcd says the token is
// missing, expired or stale, it authenticates again and repeats the request once. The
// password and the token never appear in errors.
//
// Every call takes its own timeout (the election's requests must fit its timing rule) and
// returns a value or an etcd_error; nothing throws for runtime failures. Not thread-safe:
// one executor; must outlive every call and every watch it opened.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ha/etcd_types.hpp"
#include "sesmon/secret.hpp"
#include "sesmon/time.hpp"

namespace sesmon::net {
class connection_pool;
class line_stream;
}  // namespace sesmon::net

namespace sesmon::ha {

struct etcd_tls_files {
    std::string ca_file;    // extra PEM CAs trusted for etcd's certificate
    std::string cert_file;  // client certificate (mTLS), with key_file
    std::string key_file;
};

struct etcd_client_options {
    std::vector<std::string> endpoints;  // "https://10.0.0.5:2379", ...
    etcd_tls_files tls;
    std::string username;  // "" = no authentication
    std::optional<sesmon::secret> password;
    // The largest answer read (larger: a protocol error). Paged reads keep far below it.
    std::size_t max_answer_bytes = 64 * 1024 * 1024;
    // Called when requests move from one endpoint to the next, with the reason.
    std::function<void(const std::string& from, const std::string& to, const std::string& why)>
        on_failover;
};

// A raw answer of the gateway: status and body.
struct etcd_answer {
    int status = 0;
    std::string body;
};

// A watch: its messages in order. Created by etcd_client::watch once etcd confirmed it.
class etcd_watch {
  public:
    explicit etcd_watch(std::unique_ptr<net::line_stream> stream);
    ~etcd_watch();
    // The next message; an error (kind unreachable) when the stream broke, was cancelled,
    // or idled for `idle_timeout` (then the message says "no message for N ms"). etcd
    // ending the watch is a message with `canceled` (and compact_revision when history it
    // needed was compacted).
    boost::asio::awaitable<etcd_result<watch_response>> next(duration idle_timeout);
    void cancel();

  private:
    std::unique_ptr<net::line_stream> stream_;
};

class etcd_client {
  public:
    // Throws std::runtime_error for unusable TLS files or endpoints.
    etcd_client(boost::asio::any_io_executor executor, etcd_client_options options);
    ~etcd_client();
    etcd_client(const etcd_client&) = delete;
    etcd_client& operator=(const etcd_client&) = delete;

    boost::asio::awaitable<etcd_result<range_response>> range(range_request r, duration timeout);
    boost::asio::awaitable<etcd_result<response_header>> put(put_request r, duration timeout);
    boost::asio::awaitable<etcd_result<delete_response>> remove(delete_request r, duration timeout);
    // `idempotent`: applying it twice does what applying it once does (fenced puts of the
    // same values), so the transport may try it on another endpoint after a broken
    // exchange. Never for a campaign (create-if-absent).
    boost::asio::awaitable<etcd_result<txn_response>> txn(const txn_request& r, duration timeout,
                                                          bool idempotent = false);

    boost::asio::awaitable<etcd_result<lease_grant_response>> lease_grant(std::int64_t ttl_seconds,
                                                                          duration timeout);
    // ttl 0 in the answer: the lease is gone.
    boost::asio::awaitable<etcd_result<lease_keepalive_response>> lease_keepalive(std::int64_t id,
                                                                                  duration timeout);
    // Revoking a lease that is already gone is a success.
    boost::asio::awaitable<etcd_result<response_header>> lease_revoke(std::int64_t id,
                                                                      duration timeout);

    // Compacts etcd's history (every key's) below `revision`. Already compacted that far
    // is a success.
    boost::asio::awaitable<etcd_result<response_header>> compact(std::int64_t revision,
                                                                 duration timeout);
    boost::asio::awaitable<etcd_result<maintenance_status>> status(duration timeout);

    // Opens a watch; returns once etcd answered its `created` message (or an error: a watch
    // etcd cancelled at once, e.g. a compacted start revision, is an error naming it, with
    // compact_revision in `compacted` when that was the reason).
    struct watch_refused {
        etcd_error error;
        std::int64_t compacted = 0;
    };
    boost::asio::awaitable<boost::system::result<std::unique_ptr<etcd_watch>, watch_refused>> watch(
        watch_request r, duration timeout);

    // POSTs `body` to `path` as is, with `authorization` when not empty, to the current
    // endpoint (with failover, not retried): for tests and tools (auth set-up).
    boost::asio::awaitable<etcd_result<etcd_answer>> post(std::string path, std::string body,
                                                          std::string authorization,
                                                          duration timeout);

    // The endpoint requests go to now.
    std::string current_endpoint() const { return endpoints_[current_]; }
    const boost::asio::any_io_executor& executor() const;
    // Connections opened so far (tests prove reuse with it).
    std::size_t connections_opened() const;

  private:
    struct attempt_plan;
    // One request with endpoint failover (see above); the answer of any status.
    boost::asio::awaitable<etcd_result<etcd_answer>> exchange(const std::string& path,
                                                              const std::string& body,
                                                              const std::string& authorization,
                                                              steady_time deadline,
                                                              bool idempotent);
    // POSTs and returns the 200 body, authenticating as needed; non-200 → decode_error.
    boost::asio::awaitable<etcd_result<std::string>> call(std::string path, std::string body,
                                                          duration timeout, bool idempotent);
    boost::asio::awaitable<etcd_result<std::string>> call_once(const std::string& path,
                                                               const std::string& body,
                                                               steady_time deadline,
                                                               bool idempotent);
    boost::asio::awaitable<std::optional<etcd_error>> authenticate(steady_time deadline);
    boost::asio::awaitable<etcd_result<std::unique_ptr<etcd_watch>>> open_watch(
        const std::string& body, steady_time deadline);
    void leave(std::size_t index, const std::string& why);

    etcd_client_options options_;
    std::vector<std::string> endpoints_;  // origins, "https://10.0.0.5:2379"
    std::unique_ptr<net::connection_pool> pool_;
    std::size_t current_ = 0;
    std::string token_;
};

[[noreturn]] void throw_exception_from_error(const etcd_client::watch_refused& e,
                                             const boost::source_location& loc);

}  // namespace sesmon::ha
