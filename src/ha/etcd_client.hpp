#pragma once
// etcd_client: the etcd v3 operations this project uses, over etcd's JSON gateway
// (etcd_transport for HTTP, etcd_json for the JSON): range, put, delete, txn, lease grant /
// keep-alive / revoke, and watch.
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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ha/etcd_transport.hpp"
#include "ha/etcd_types.hpp"
#include "sesmon/secret.hpp"
#include "sesmon/time.hpp"

namespace sesmon::ha {

struct etcd_client_options {
    std::vector<std::string> endpoints;  // "https://10.0.0.5:2379", ...
    etcd_tls_files tls;
    std::string username;  // "" = no authentication
    std::optional<sesmon::secret> password;
};

// A watch: its messages in order. Created by etcd_client::watch once etcd confirmed it.
class etcd_watch {
  public:
    explicit etcd_watch(std::unique_ptr<etcd_stream> stream) : stream_(std::move(stream)) {}
    // The next message; an error when the stream broke, idled for `idle_timeout` or was
    // cancelled. etcd ending the watch is a message with `canceled` (and compact_revision
    // when history it needed was compacted).
    boost::asio::awaitable<etcd_result<watch_response>> next(duration idle_timeout);
    void cancel() { stream_->cancel(); }

  private:
    std::unique_ptr<etcd_stream> stream_;
};

class etcd_client {
  public:
    // Throws std::runtime_error for unusable TLS files or endpoints (see etcd_transport).
    etcd_client(boost::asio::any_io_executor executor, etcd_client_options options);

    boost::asio::awaitable<etcd_result<range_response>> range(range_request r, duration timeout);
    boost::asio::awaitable<etcd_result<response_header>> put(put_request r, duration timeout);
    boost::asio::awaitable<etcd_result<delete_response>> remove(delete_request r, duration timeout);
    boost::asio::awaitable<etcd_result<txn_response>> txn(const txn_request& r, duration timeout);

    boost::asio::awaitable<etcd_result<lease_grant_response>> lease_grant(std::int64_t ttl_seconds,
                                                                          duration timeout);
    // ttl 0 in the answer: the lease is gone.
    boost::asio::awaitable<etcd_result<lease_keepalive_response>> lease_keepalive(std::int64_t id,
                                                                                  duration timeout);
    // Revoking a lease that is already gone is a success.
    boost::asio::awaitable<etcd_result<response_header>> lease_revoke(std::int64_t id,
                                                                      duration timeout);

    // Opens a watch; returns once etcd answered its `created` message (or an error: a watch
    // etcd cancelled at once, e.g. a compacted start revision, is an error naming it, with
    // compact_revision in `compacted` when that was the reason).
    struct watch_refused {
        etcd_error error;
        std::int64_t compacted = 0;
    };
    boost::asio::awaitable<boost::system::result<std::unique_ptr<etcd_watch>, watch_refused>> watch(
        watch_request r, duration timeout);

    // The endpoint requests go to now.
    std::string current_endpoint() const { return transport_.current_endpoint(); }
    const boost::asio::any_io_executor& executor() const { return transport_.executor(); }
    etcd_transport& transport() { return transport_; }

  private:
    // POSTs and returns the 200 body, authenticating as needed; non-200 → decode_error.
    boost::asio::awaitable<etcd_result<std::string>> call(std::string path, std::string body,
                                                          duration timeout);
    boost::asio::awaitable<etcd_result<std::string>> call_once(const std::string& path,
                                                               const std::string& body,
                                                               steady_time deadline);
    boost::asio::awaitable<std::optional<etcd_error>> authenticate(steady_time deadline);

    etcd_client_options options_;
    etcd_transport transport_;
    std::string token_;
};

[[noreturn]] void throw_exception_from_error(const etcd_client::watch_refused& e,
                                             const boost::source_location& loc);

}  // namespace sesmon::ha
