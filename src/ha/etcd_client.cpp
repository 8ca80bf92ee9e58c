#include "ha/etcd_client.hpp"

#include <stdexcept>

#include "ha/etcd_json.hpp"

namespace sesmon::ha {

namespace asio = boost::asio;

namespace {

duration left_until(steady_time deadline) {
    return std::max<duration>(duration(1), std::chrono::duration_cast<duration>(
                                               deadline - std::chrono::steady_clock::now()));
}

// Awaits `call` (a request's 200 body) and decodes it.
template <class T>
asio::awaitable<etcd_result<T>> decoded(asio::awaitable<etcd_result<std::string>> call,
                                        etcd_result<T> (*decode)(std::string_view)) {
    auto body = co_await std::move(call);
    if (!body)
        co_return body.error();
    co_return decode(*body);
}

}  // namespace

void throw_exception_from_error(const etcd_client::watch_refused& e,
                                const boost::source_location&) {
    throw std::runtime_error(e.error.describe());
}

asio::awaitable<etcd_result<watch_response>> etcd_watch::next(duration idle_timeout) {
    auto line = co_await stream_->next(idle_timeout);
    if (!line)
        co_return line.error();
    co_return json::decode_watch_message(*line);
}

etcd_client::etcd_client(asio::any_io_executor executor, etcd_client_options options)
    : options_(std::move(options)),
      transport_(std::move(executor), options_.endpoints, options_.tls) {}

asio::awaitable<std::optional<etcd_error>> etcd_client::authenticate(steady_time deadline) {
    token_.clear();
    // Arguments first: GCC 12 mishandles a conditional's temporary inside co_await.
    const std::string password = options_.password ? options_.password->reveal() : "";
    std::string body = json::encode_authenticate(options_.username, password);
    auto answer = co_await transport_.post("/v3/auth/authenticate", std::move(body), "",
                                           left_until(deadline));
    if (!answer)
        co_return answer.error();
    if (answer->status != 200) {
        etcd_error e = json::decode_error(answer->status, answer->body);
        e.message = "authentication as " + options_.username + " failed: " + e.message;
        co_return e;
    }
    auto token = json::decode_authenticate(answer->body);
    if (!token)
        co_return token.error();
    token_ = std::move(*token);
    co_return std::nullopt;
}

asio::awaitable<etcd_result<std::string>> etcd_client::call_once(const std::string& path,
                                                                 const std::string& body,
                                                                 steady_time deadline) {
    if (!options_.username.empty() && token_.empty()) {
        if (auto failed = co_await authenticate(deadline))
            co_return *failed;
    }
    auto answer = co_await transport_.post(path, body, token_, left_until(deadline));
    if (!answer)
        co_return answer.error();
    if (answer->status != 200)
        co_return json::decode_error(answer->status, answer->body);
    co_return std::move(answer->body);
}

asio::awaitable<etcd_result<std::string>> etcd_client::call(std::string path, std::string body,
                                                            duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto result = co_await call_once(path, body, deadline);
    if (!result && result.error().needs_authentication() && !options_.username.empty()) {
        token_.clear();  // expired or stale: a fresh one, and the request once more
        result = co_await call_once(path, body, deadline);
    }
    co_return result;
}

asio::awaitable<etcd_result<range_response>> etcd_client::range(range_request r, duration timeout) {
    return decoded(call("/v3/kv/range", json::encode(r), timeout), &json::decode_range);
}

asio::awaitable<etcd_result<response_header>> etcd_client::put(put_request r, duration timeout) {
    return decoded(call("/v3/kv/put", json::encode(r), timeout), &json::decode_put);
}

asio::awaitable<etcd_result<delete_response>> etcd_client::remove(delete_request r,
                                                                  duration timeout) {
    return decoded(call("/v3/kv/deleterange", json::encode(r), timeout), &json::decode_delete);
}

asio::awaitable<etcd_result<txn_response>> etcd_client::txn(const txn_request& r,
                                                            duration timeout) {
    return decoded(call("/v3/kv/txn", json::encode(r), timeout), &json::decode_txn);
}

asio::awaitable<etcd_result<lease_grant_response>> etcd_client::lease_grant(
    std::int64_t ttl_seconds, duration timeout) {
    return decoded(call("/v3/lease/grant", json::encode_lease_grant(ttl_seconds), timeout),
                   &json::decode_lease_grant);
}

asio::awaitable<etcd_result<lease_keepalive_response>> etcd_client::lease_keepalive(
    std::int64_t id, duration timeout) {
    return decoded(call("/v3/lease/keepalive", json::encode_lease_id(id), timeout),
                   &json::decode_lease_keepalive);
}

asio::awaitable<etcd_result<response_header>> etcd_client::lease_revoke(std::int64_t id,
                                                                        duration timeout) {
    auto body = co_await call("/v3/lease/revoke", json::encode_lease_id(id), timeout);
    if (!body) {
        if (body.error().lease_not_found())
            co_return response_header{};
        co_return body.error();
    }
    co_return json::decode_lease_revoke(*body);
}

asio::awaitable<boost::system::result<std::unique_ptr<etcd_watch>, etcd_client::watch_refused>>
etcd_client::watch(watch_request r, duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string body = json::encode_watch_create(r);
    for (int attempt = 0;; ++attempt) {
        if (!options_.username.empty() && token_.empty()) {
            if (auto failed = co_await authenticate(deadline))
                co_return watch_refused{*failed};
        }
        auto stream =
            co_await transport_.open_stream("/v3/watch", body, token_, left_until(deadline));
        if (!stream) {
            if (attempt == 0 && stream.error().needs_authentication() &&
                !options_.username.empty()) {
                token_.clear();
                continue;
            }
            co_return watch_refused{stream.error()};
        }
        auto w = std::make_unique<etcd_watch>(std::move(*stream));
        auto first = co_await w->next(left_until(deadline));
        if (!first)
            co_return watch_refused{first.error()};
        if (!first->canceled)
            co_return w;
        // Refused at once: a compacted start revision, or (auth on) a stale token.
        etcd_error e{
            etcd_error_kind::server, 200, 0,
            first->cancel_reason.empty() ? "etcd cancelled the watch" : first->cancel_reason};
        if (first->compact_revision != 0)
            e.message = "the start revision was compacted (oldest kept: " +
                        std::to_string(first->compact_revision) + ")";
        if (attempt == 0 && !options_.username.empty() &&
            e.message.find("auth token") != std::string::npos) {
            token_.clear();
            continue;
        }
        co_return watch_refused{e, first->compact_revision};
    }
}

}  // namespace sesmon::ha
