#include "ha/etcd_client.hpp"

#include <stdexcept>

#include "common/url.hpp"
#include "ha/etcd_json.hpp"
#include "net/connection_pool.hpp"

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

etcd_error unreachable(const http_error& e) {
    return {etcd_error_kind::unreachable, 0, 0, e.message};
}

// The member answered that it cannot serve right now; another member may.
bool cannot_serve(const etcd_error& e) {
    return e.http_status == 503 || e.grpc_code == grpc_code::unavailable ||
           e.message.find("too many requests") != std::string::npos;
}

// Refused before it was proposed: sending it to another member is safe for any request.
bool not_proposed(const etcd_error& e) {
    return e.message.find("no leader") != std::string::npos;
}

net::pool_options pool_options_of(const etcd_client_options& o) {
    net::pool_options p;
    p.ca_file = o.tls.ca_file;
    p.cert_file = o.tls.cert_file;
    p.key_file = o.tls.key_file;
    p.max_body_bytes = o.max_answer_bytes;
    return p;
}

}  // namespace

void throw_exception_from_error(const etcd_client::watch_refused& e,
                                const boost::source_location&) {
    throw std::runtime_error(e.error.describe());
}

// ---- etcd_watch ----

etcd_watch::etcd_watch(std::unique_ptr<net::line_stream> stream) : stream_(std::move(stream)) {}

etcd_watch::~etcd_watch() = default;

void etcd_watch::cancel() {
    stream_->cancel();
}

asio::awaitable<etcd_result<watch_response>> etcd_watch::next(duration idle_timeout) {
    auto line = co_await stream_->next(idle_timeout);
    if (!line) {
        if (line.error().kind == http_error_kind::timeout)
            co_return etcd_error{
                etcd_error_kind::unreachable, 0, 0,
                stream_->origin() + ": no message for " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::milliseconds>(idle_timeout)
                            .count()) +
                    " ms"};
        co_return unreachable(line.error());
    }
    co_return json::decode_watch_message(*line);
}

// ---- etcd_client ----

etcd_client::etcd_client(asio::any_io_executor executor, etcd_client_options options)
    : options_(std::move(options)) {
    for (const std::string& text : options_.endpoints) {
        auto url = common::parse_url(text);
        if (!url)
            throw std::runtime_error("etcd endpoint is not an http(s) URL: " + text);
        endpoints_.push_back(url->origin());
    }
    if (endpoints_.empty())
        throw std::runtime_error("no etcd endpoint");
    pool_ = std::make_unique<net::connection_pool>(std::move(executor), pool_options_of(options_));
}

etcd_client::~etcd_client() = default;

const asio::any_io_executor& etcd_client::executor() const {
    return pool_->executor();
}

std::size_t etcd_client::connections_opened() const {
    return pool_->connections_opened();
}

void etcd_client::leave(std::size_t index, const std::string& why) {
    if (index != current_ || endpoints_.size() < 2)
        return;  // another request moved on already
    current_ = (current_ + 1) % endpoints_.size();
    if (options_.on_failover)
        options_.on_failover(endpoints_[index], endpoints_[current_], why);
}

// What one attempt may spend: an equal share of what is left among the endpoints not tried
// yet, to connect in (and, for a request that may be repeated, to finish in).
struct etcd_client::attempt_plan {
    duration connect;
    duration whole;
};

asio::awaitable<etcd_result<etcd_answer>> etcd_client::exchange(const std::string& path,
                                                                const std::string& body,
                                                                const std::string& authorization,
                                                                steady_time deadline,
                                                                bool idempotent) {
    const std::size_t n = endpoints_.size();
    std::optional<etcd_error> last;
    for (std::size_t tried = 0; tried < n; ++tried) {
        const auto now = std::chrono::steady_clock::now();
        if (tried > 0 && now >= deadline)
            break;
        const duration left = left_until(deadline);
        const duration share = left / static_cast<duration::rep>(n - tried);
        const attempt_plan plan{share, idempotent && tried + 1 < n ? share : left};
        const std::size_t index = current_;

        http_request request;
        request.method = "POST";
        request.url = endpoints_[index] + path;
        request.headers.emplace_back("Content-Type", "application/json");
        if (!authorization.empty())
            request.headers.emplace_back("Authorization", authorization);
        request.body = body;
        request.timeout = plan.whole;
        net::send_options how;
        how.idempotent = idempotent;
        how.connect_timeout = plan.connect;
        auto answer = co_await pool_->send(std::move(request), how);
        if (!answer && answer.error().kind == http_error_kind::body_too_large)
            co_return etcd_error{etcd_error_kind::too_large, 0, 0,
                                 "etcd's answer from " + endpoints_[index] + " is larger than " +
                                     std::to_string(options_.max_answer_bytes) + " bytes"};
        if (!answer) {
            last = unreachable(answer.error());
            leave(index, answer.error().message);
            if (!answer.error().request_sent || idempotent)
                continue;
            co_return *last;
        }
        if (answer->status != 200) {
            etcd_error e = json::decode_error(answer->status, answer->body);
            if (cannot_serve(e)) {
                leave(index, e.describe());
                last = e;
                if (idempotent || not_proposed(e))
                    continue;
                co_return e;
            }
        }
        co_return etcd_answer{answer->status, std::move(answer->body)};
    }
    co_return *last;
}

asio::awaitable<etcd_result<etcd_answer>> etcd_client::post(std::string path, std::string body,
                                                            std::string authorization,
                                                            duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto answer = co_await exchange(path, body, authorization, deadline, false);
    if (!answer && answer.error().kind == etcd_error_kind::server)
        co_return etcd_answer{answer.error().http_status, answer.error().message};
    co_return answer;
}

asio::awaitable<std::optional<etcd_error>> etcd_client::authenticate(steady_time deadline) {
    token_.clear();
    // Arguments first: GCC 12 mishandles a conditional's temporary inside co_await.
    const std::string password = options_.password ? options_.password->reveal() : "";
    const std::string body = json::encode_authenticate(options_.username, password);
    auto answer = co_await exchange("/v3/auth/authenticate", body, "", deadline, true);
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
                                                                 steady_time deadline,
                                                                 bool idempotent) {
    if (!options_.username.empty() && token_.empty()) {
        if (auto failed = co_await authenticate(deadline))
            co_return *failed;
    }
    auto answer = co_await exchange(path, body, token_, deadline, idempotent);
    if (!answer)
        co_return answer.error();
    if (answer->status != 200)
        co_return json::decode_error(answer->status, answer->body);
    co_return std::move(answer->body);
}

asio::awaitable<etcd_result<std::string>> etcd_client::call(std::string path, std::string body,
                                                            duration timeout, bool idempotent) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto result = co_await call_once(path, body, deadline, idempotent);
    if (!result && result.error().needs_authentication() && !options_.username.empty()) {
        token_.clear();  // expired or stale: a fresh one, and the request once more
        result = co_await call_once(path, body, deadline, idempotent);
    }
    co_return result;
}

asio::awaitable<etcd_result<range_response>> etcd_client::range(range_request r, duration timeout) {
    return decoded(call("/v3/kv/range", json::encode(r), timeout, true), &json::decode_range);
}

asio::awaitable<etcd_result<response_header>> etcd_client::put(put_request r, duration timeout) {
    return decoded(call("/v3/kv/put", json::encode(r), timeout, false), &json::decode_put);
}

asio::awaitable<etcd_result<delete_response>> etcd_client::remove(delete_request r,
                                                                  duration timeout) {
    return decoded(call("/v3/kv/deleterange", json::encode(r), timeout, false),
                   &json::decode_delete);
}

asio::awaitable<etcd_result<txn_response>> etcd_client::txn(const txn_request& r, duration timeout,
                                                            bool idempotent) {
    return decoded(call("/v3/kv/txn", json::encode(r), timeout, idempotent), &json::decode_txn);
}

asio::awaitable<etcd_result<lease_grant_response>> etcd_client::lease_grant(
    std::int64_t ttl_seconds, duration timeout) {
    return decoded(call("/v3/lease/grant", json::encode_lease_grant(ttl_seconds), timeout, false),
                   &json::decode_lease_grant);
}

asio::awaitable<etcd_result<lease_keepalive_response>> etcd_client::lease_keepalive(
    std::int64_t id, duration timeout) {
    return decoded(call("/v3/lease/keepalive", json::encode_lease_id(id), timeout, true),
                   &json::decode_lease_keepalive);
}

asio::awaitable<etcd_result<response_header>> etcd_client::lease_revoke(std::int64_t id,
                                                                        duration timeout) {
    auto body = co_await call("/v3/lease/revoke", json::encode_lease_id(id), timeout, true);
    if (!body) {
        if (body.error().lease_not_found())
            co_return response_header{};
        co_return body.error();
    }
    co_return json::decode_lease_revoke(*body);
}

asio::awaitable<etcd_result<response_header>> etcd_client::compact(std::int64_t revision,
                                                                   duration timeout) {
    auto body =
        co_await call("/v3/kv/compaction", json::encode_compaction(revision), timeout, true);
    if (!body) {
        if (body.error().message.find("required revision has been compacted") != std::string::npos)
            co_return response_header{};
        co_return body.error();
    }
    co_return json::decode_put(*body);
}

asio::awaitable<etcd_result<maintenance_status>> etcd_client::status(duration timeout) {
    return decoded(call("/v3/maintenance/status", "{}", timeout, true), &json::decode_status);
}

asio::awaitable<etcd_result<std::unique_ptr<etcd_watch>>> etcd_client::open_watch(
    const std::string& body, steady_time deadline) {
    const std::size_t n = endpoints_.size();
    std::optional<etcd_error> last;
    for (std::size_t tried = 0; tried < n; ++tried) {
        if (tried > 0 && std::chrono::steady_clock::now() >= deadline)
            break;
        const duration left = left_until(deadline);
        const duration share = left / static_cast<duration::rep>(n - tried);
        const std::size_t index = current_;
        http_request request;
        request.method = "POST";
        request.url = endpoints_[index] + "/v3/watch";
        request.headers.emplace_back("Content-Type", "application/json");
        if (!token_.empty())
            request.headers.emplace_back("Authorization", token_);
        request.body = body;
        request.timeout = tried + 1 < n ? share : left;
        net::send_options how;
        how.idempotent = true;
        how.connect_timeout = share;
        auto opened = co_await pool_->open_stream(std::move(request), how);
        if (!opened) {
            last = unreachable(opened.error());
            leave(index, opened.error().message);
            continue;
        }
        if (!opened->stream) {
            etcd_error e = json::decode_error(opened->refused.status, opened->refused.body);
            if (!cannot_serve(e))
                co_return e;
            leave(index, e.describe());
            last = e;
            continue;
        }
        co_return std::make_unique<etcd_watch>(std::move(opened->stream));
    }
    co_return *last;
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
        auto opened = co_await open_watch(body, deadline);
        if (!opened) {
            if (attempt == 0 && opened.error().needs_authentication() &&
                !options_.username.empty()) {
                token_.clear();
                continue;
            }
            co_return watch_refused{opened.error()};
        }
        std::unique_ptr<etcd_watch> w = std::move(*opened);
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
