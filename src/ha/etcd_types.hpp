#pragma once
// etcd_types: the etcd v3 requests and responses this project uses, as plain values — what
// etcd_json maps to and from its JSON gateway (`/v3/...`, etcd 3.4 and later), and what
// etcd_client hands its callers. Keys and values are raw bytes here (base64 is the JSON's
// business); revisions, lease ids and TTLs are 64-bit integers (strings in the JSON).
//
// Only the fields we use are modelled. A field etcd leaves out (the gateway omits zero values:
// an empty value, `succeeded: false`, a keep-alive's TTL of a dead lease) reads as its zero.
#include <boost/system/result.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sesmon::ha {

// Why a request failed.
enum class etcd_error_kind {
    unreachable,  // no answer: connect, TLS, timeout, reset (the next endpoint may answer)
    protocol,     // an answer that is not etcd's JSON (invalid JSON, a mistyped field)
    server,       // etcd answered with an error: grpc_code and message say which
    too_large,    // the answer was larger than the client reads (ask for less)
};

std::string_view to_string(etcd_error_kind kind);

// gRPC status codes etcd answers with (google.golang.org/grpc/codes), the ones we act on.
namespace grpc_code {
inline constexpr int invalid_argument = 3;
inline constexpr int deadline_exceeded = 4;
inline constexpr int not_found = 5;
inline constexpr int permission_denied = 7;
inline constexpr int failed_precondition = 9;
inline constexpr int unavailable = 14;
inline constexpr int unauthenticated = 16;
}  // namespace grpc_code

struct etcd_error {
    etcd_error_kind kind = etcd_error_kind::protocol;
    int http_status = 0;  // 0 when there was no HTTP answer
    int grpc_code = 0;    // 0 when etcd did not say
    std::string message;  // one line; never a password or token

    // "etcd unreachable: ...", "etcd error (code 5): ...": for logs and /readyz.
    std::string describe() const;
    // The auth token is missing, expired or stale: authenticate again and retry once.
    bool needs_authentication() const;
    // The lease does not exist (expired or revoked).
    bool lease_not_found() const;
};

// Lets result<T, etcd_error>::value() throw (std::runtime_error with describe()).
[[noreturn]] void throw_exception_from_error(const etcd_error& e,
                                             const boost::source_location& loc);

template <class T>
using etcd_result = boost::system::result<T, etcd_error>;

struct response_header {
    std::int64_t revision = 0;  // the store's revision when the request was served
    std::uint64_t cluster_id = 0;
    std::uint64_t member_id = 0;
    std::int64_t raft_term = 0;
    friend bool operator==(const response_header&, const response_header&) = default;
};

struct key_value {
    std::string key;
    std::string value;
    std::int64_t create_revision = 0;
    std::int64_t mod_revision = 0;
    std::int64_t version = 0;
    std::int64_t lease = 0;  // 0: not attached to a lease
    friend bool operator==(const key_value&, const key_value&) = default;
};

// The range_end that makes [key, range_end) every key starting with `prefix`.
std::string prefix_range_end(std::string_view prefix);

struct range_request {
    std::string key;
    std::string range_end;      // "" = just `key`
    std::int64_t limit = 0;     // 0 = no limit
    std::int64_t revision = 0;  // 0 = the newest
    bool count_only = false;
    friend bool operator==(const range_request&, const range_request&) = default;
};

struct range_response {
    response_header header;
    std::vector<key_value> kvs;
    bool more = false;
    std::int64_t count = 0;
    friend bool operator==(const range_response&, const range_response&) = default;
};

struct put_request {
    std::string key;
    std::string value;
    std::int64_t lease = 0;  // 0: none
    friend bool operator==(const put_request&, const put_request&) = default;
};

struct delete_request {
    std::string key;
    std::string range_end;  // "" = just `key`
    friend bool operator==(const delete_request&, const delete_request&) = default;
};

struct delete_response {
    response_header header;
    std::int64_t deleted = 0;
    friend bool operator==(const delete_response&, const delete_response&) = default;
};

// One comparison of a transaction: `target` of `key` compared with the number (version,
// create_revision, mod_revision, lease) or `value`.
struct compare {
    enum class target { version, create, mod, value, lease };
    enum class result { equal, greater, less, not_equal };
    std::string key;
    target what = target::create;
    result how = result::equal;
    std::int64_t number = 0;
    std::string value;  // for target::value
    friend bool operator==(const compare&, const compare&) = default;
};

using txn_op = std::variant<range_request, put_request, delete_request>;
using txn_op_response = std::variant<range_response, response_header, delete_response>;

struct txn_request {
    std::vector<compare> compares;
    std::vector<txn_op> success;  // run when every comparison holds
    std::vector<txn_op> failure;  // run otherwise
    friend bool operator==(const txn_request&, const txn_request&) = default;
};

struct txn_response {
    response_header header;
    bool succeeded = false;  // absent from the JSON when false
    std::vector<txn_op_response> responses;
};

struct lease_grant_response {
    response_header header;
    std::int64_t id = 0;
    std::int64_t ttl = 0;  // seconds, as granted (etcd raises a TTL below its minimum)
};

struct lease_keepalive_response {
    response_header header;
    std::int64_t id = 0;
    std::int64_t ttl = 0;  // 0: the lease is gone (expired or revoked)
};

struct watch_request {
    std::string key;
    std::string range_end;
    std::int64_t start_revision = 0;  // 0 = from now
    bool prev_kv = false;
    bool progress_notify = false;
    friend bool operator==(const watch_request&, const watch_request&) = default;
};

struct watch_event {
    enum class kind { put, remove };
    kind type = kind::put;
    key_value kv;  // for remove: key and mod_revision only
    friend bool operator==(const watch_event&, const watch_event&) = default;
};

// /v3/maintenance/status of the member that answered.
struct maintenance_status {
    response_header header;
    std::int64_t db_size = 0;         // bytes of the data file
    std::int64_t db_size_in_use = 0;  // bytes in use in it (0 before etcd 3.4)
    std::vector<std::string> errors;  // e.g. an alarm: "NOSPACE"
};

// One message of a watch stream.
struct watch_response {
    response_header header;
    std::int64_t watch_id = 0;
    bool created = false;
    bool canceled = false;
    std::int64_t compact_revision = 0;  // set when canceled because history was compacted
    std::string cancel_reason;
    std::vector<watch_event> events;
};

}  // namespace sesmon::ha
