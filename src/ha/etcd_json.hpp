#pragma once
// etcd_json: the JSON of etcd's v3 gateway (`/v3/...`, etcd 3.4 and later) to and from
// etcd_types. Pure functions, no I/O. The gateway's rules, all handled here:
// - keys and values are base64 (standard alphabet, padded);
// - 64-bit integers (revisions, lease ids, TTLs, counts) are JSON strings; numbers are
//   accepted too when reading;
// - zero values are omitted: a failed txn has no `succeeded`, a keep-alive of a dead lease
//   answers 200 with no `TTL`, a PUT watch event has no `type`, an empty value no `value`;
// - a streamed answer (keep-alive, watch) wraps each message in `result`, or carries
//   `error: {grpc_code, http_code, message}`;
// - error bodies carry `message` (3.5 and later) or `error` (3.4) and `code`.
#include <string>
#include <string_view>

#include "ha/etcd_types.hpp"

namespace sesmon::ha::json {

std::string encode(const range_request& r);
std::string encode(const put_request& r);
std::string encode(const delete_request& r);
std::string encode(const txn_request& r);
std::string encode_watch_create(const watch_request& r);  // {"create_request": {...}}
std::string encode_lease_grant(std::int64_t ttl_seconds);
std::string encode_lease_id(std::int64_t id);  // keep-alive and revoke: {"ID": "..."}
std::string encode_authenticate(std::string_view name, std::string_view password);
std::string encode_compaction(std::int64_t revision);

// Decoders of 200 answers. A body that is not what etcd sends is an etcd_error of kind
// protocol naming what was wrong; a 200 body that carries an error (a streamed `error`, a
// lease grant's `error` field) is an etcd_error of kind server.
etcd_result<range_response> decode_range(std::string_view body);
etcd_result<response_header> decode_put(std::string_view body);
etcd_result<delete_response> decode_delete(std::string_view body);
etcd_result<txn_response> decode_txn(std::string_view body);
etcd_result<lease_grant_response> decode_lease_grant(std::string_view body);
etcd_result<lease_keepalive_response> decode_lease_keepalive(std::string_view body);
etcd_result<response_header> decode_lease_revoke(std::string_view body);
etcd_result<std::string> decode_authenticate(std::string_view body);  // the token
etcd_result<watch_response> decode_watch_message(std::string_view message);
etcd_result<maintenance_status> decode_status(std::string_view body);

// The error of a non-200 answer (kind server): message from `message`, else `error`, else
// the HTTP status; grpc_code from `code`. Never fails: an unreadable body is described.
etcd_error decode_error(int http_status, std::string_view body);

}  // namespace sesmon::ha::json
