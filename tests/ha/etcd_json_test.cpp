// The JSON mapping of etcd's v3 gateway (etcd_json): what we send byte for byte, and what we
// read from the answers etcd 3.4 and 3.6 give — including every zero value the gateway
// leaves out. The answers below are copied from a real etcd 3.4.23 where marked.
#include "ha/etcd_json.hpp"

#include <gtest/gtest.h>

namespace sesmon::ha {
namespace {

using namespace json;

// base64("a") = "YQ==", base64("b") = "Yg==", base64("k") = "aw==", base64("v") = "dg=="

TEST(etcd_json_encode, range_of_one_key_writes_only_the_key) {
    EXPECT_EQ(encode(range_request{"a"}), R"({"key":"YQ=="})");
}

TEST(etcd_json_encode, range_writes_range_end_limit_revision_and_count_only_as_strings) {
    range_request r{"a", "b", 10, 7, true};
    EXPECT_EQ(encode(r),
              R"({"key":"YQ==","range_end":"Yg==","limit":"10","revision":"7","count_only":true})");
}

TEST(etcd_json_encode, keys_are_raw_bytes_in_base64) {
    EXPECT_EQ(encode(range_request{std::string("\x00\xff/x", 4)}), R"({"key":"AP8veA=="})");
}

TEST(etcd_json_encode, put_with_and_without_lease) {
    EXPECT_EQ(encode(put_request{"k", "v"}), R"({"key":"aw==","value":"dg=="})");
    EXPECT_EQ(encode(put_request{"k", "v", 7587868049254318599}),
              R"({"key":"aw==","value":"dg==","lease":"7587868049254318599"})");
}

TEST(etcd_json_encode, put_of_an_empty_value_still_names_the_value) {
    EXPECT_EQ(encode(put_request{"k", ""}), R"({"key":"aw==","value":""})");
}

TEST(etcd_json_encode, delete_of_a_key_and_of_a_prefix) {
    EXPECT_EQ(encode(delete_request{"k"}), R"({"key":"aw=="})");
    EXPECT_EQ(encode(delete_request{"a", "b"}), R"({"key":"YQ==","range_end":"Yg=="})");
}

TEST(etcd_json_encode, txn_create_if_absent_with_a_read_on_failure) {
    txn_request t;
    t.compares.push_back({"k", compare::target::create, compare::result::equal, 0, ""});
    t.success.emplace_back(put_request{"k", "v", 5});
    t.failure.emplace_back(range_request{"k"});
    EXPECT_EQ(
        encode(t),
        R"({"compare":[{"key":"aw==","target":"CREATE","result":"EQUAL","create_revision":"0"}],)"
        R"("success":[{"request_put":{"key":"aw==","value":"dg==","lease":"5"}}],)"
        R"("failure":[{"request_range":{"key":"aw=="}}]})");
}

TEST(etcd_json_encode, txn_compares_every_target_with_its_own_field) {
    txn_request t;
    t.compares = {{"k", compare::target::version, compare::result::greater, 2, ""},
                  {"k", compare::target::mod, compare::result::less, 3, ""},
                  {"k", compare::target::value, compare::result::not_equal, 0, "v"},
                  {"k", compare::target::lease, compare::result::equal, 4, ""}};
    t.success.emplace_back(delete_request{"k"});
    EXPECT_EQ(encode(t), R"({"compare":[)"
                         R"({"key":"aw==","target":"VERSION","result":"GREATER","version":"2"},)"
                         R"({"key":"aw==","target":"MOD","result":"LESS","mod_revision":"3"},)"
                         R"({"key":"aw==","target":"VALUE","result":"NOT_EQUAL","value":"dg=="},)"
                         R"({"key":"aw==","target":"LEASE","result":"EQUAL","lease":"4"}],)"
                         R"("success":[{"request_delete_range":{"key":"aw=="}}]})");
}

TEST(etcd_json_encode, txn_without_failure_ops_leaves_failure_out) {
    txn_request t;
    t.success.emplace_back(put_request{"k", "v"});
    EXPECT_EQ(encode(t), R"({"success":[{"request_put":{"key":"aw==","value":"dg=="}}]})");
}

TEST(etcd_json_encode, watch_create_request) {
    EXPECT_EQ(encode_watch_create({"a", "b", 42, true, true}),
              R"({"create_request":{"key":"YQ==","range_end":"Yg==","start_revision":"42",)"
              R"("prev_kv":true,"progress_notify":true}})");
    EXPECT_EQ(encode_watch_create({"a"}), R"({"create_request":{"key":"YQ=="}})");
}

TEST(etcd_json_encode, lease_and_auth_requests) {
    EXPECT_EQ(encode_lease_grant(15), R"({"TTL":"15"})");
    EXPECT_EQ(encode_lease_id(7587868049254318599), R"({"ID":"7587868049254318599"})");
    EXPECT_EQ(encode_authenticate("root", "p\"w"), R"({"name":"root","password":"p\"w"})");
}

TEST(etcd_json_prefix, range_end_increments_the_last_byte_and_drops_0xff) {
    EXPECT_EQ(prefix_range_end("/a/"), "/a0");
    EXPECT_EQ(prefix_range_end(std::string("a\xff", 2)), "b");
    EXPECT_EQ(prefix_range_end(std::string("\xff\xff", 2)), std::string(1, '\0'));
}

// etcd 3.4.23
constexpr const char* header_json =
    R"("header":{"cluster_id":"324952591200643719","member_id":"3319814642761637952","revision":"4","raft_term":"2"})";

TEST(etcd_json_decode, header_numbers_are_strings_of_64_bit_integers) {
    auto h = decode_put(std::string("{") + header_json + "}");
    ASSERT_TRUE(h) << h.error().describe();
    EXPECT_EQ(h->revision, 4);
    EXPECT_EQ(h->cluster_id, 324952591200643719u);
    EXPECT_EQ(h->member_id, 3319814642761637952u);
    EXPECT_EQ(h->raft_term, 2);
}

TEST(etcd_json_decode, member_ids_above_int64_max_read_as_unsigned) {
    auto h = decode_put(R"({"header":{"member_id":"18446744073709551615","revision":"1"}})");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->member_id, 18446744073709551615u);
}

TEST(etcd_json_decode, numbers_written_as_json_numbers_are_accepted) {
    auto h = decode_put(R"({"header":{"revision":12,"raft_term":3}})");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->revision, 12);
}

TEST(etcd_json_decode, range_with_one_key) {
    // etcd 3.4.23
    auto r = decode_range(
        std::string("{") + header_json +
        R"(,"kvs":[{"key":"YQ==","create_revision":"2","mod_revision":"3","version":"2","value":"Yg==","lease":"77"}],"count":"1"})");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->header.revision, 4);
    ASSERT_EQ(r->kvs.size(), 1u);
    EXPECT_EQ(r->kvs[0], (key_value{"a", "b", 2, 3, 2, 77}));
    EXPECT_EQ(r->count, 1);
    EXPECT_FALSE(r->more);
}

TEST(etcd_json_decode, range_without_matches_has_no_kvs_and_no_count) {
    // etcd 3.4.23: the empty list and the zero count are both left out.
    auto r = decode_range(std::string("{") + header_json + "}");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->kvs.empty());
    EXPECT_EQ(r->count, 0);
}

TEST(etcd_json_decode, key_with_empty_value_has_no_value_field) {
    // etcd 3.4.23: a put of "" reads back without "value".
    auto r = decode_range(
        R"({"kvs":[{"key":"YQ==","create_revision":"4","mod_revision":"4","version":"1"}],"count":"1"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kvs.at(0).value, "");
    EXPECT_EQ(r->kvs.at(0).lease, 0);
}

TEST(etcd_json_decode, range_more_is_read) {
    auto r = decode_range(R"({"kvs":[],"more":true,"count":"9"})");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->more);
    EXPECT_EQ(r->count, 9);
}

TEST(etcd_json_decode, delete_counts_the_deleted_keys_and_omits_zero) {
    auto d = decode_delete(std::string("{") + header_json + R"(,"deleted":"1"})");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->deleted, 1);
    auto none = decode_delete(std::string("{") + header_json + "}");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->deleted, 0);
}

TEST(etcd_json_decode, succeeded_txn_with_a_put_response) {
    auto t = decode_txn(
        std::string("{") + header_json +
        R"(,"succeeded":true,"responses":[{"response_put":{"header":{"revision":"5"}}}]})");
    ASSERT_TRUE(t) << t.error().describe();
    EXPECT_TRUE(t->succeeded);
    ASSERT_EQ(t->responses.size(), 1u);
    EXPECT_EQ(std::get<response_header>(t->responses[0]).revision, 5);
}

TEST(etcd_json_decode, failed_txn_has_no_succeeded_key) {
    // etcd 3.4.23: a compare that fails, no failure ops: only the header.
    auto t = decode_txn(std::string("{") + header_json + "}");
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->succeeded);
    EXPECT_TRUE(t->responses.empty());
}

TEST(etcd_json_decode, failed_txn_with_its_failure_range) {
    // etcd 3.4.23: create-if-absent on an existing key, reading it on failure.
    auto t = decode_txn(
        std::string("{") + header_json +
        R"(,"responses":[{"response_range":{"header":{"revision":"2"},"kvs":[{"key":"YQ==","create_revision":"2","mod_revision":"2","version":"1","value":"Yg=="}],"count":"1"}}]})");
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->succeeded);
    ASSERT_EQ(t->responses.size(), 1u);
    const auto& range = std::get<range_response>(t->responses[0]);
    EXPECT_EQ(range.kvs.at(0).value, "b");
    EXPECT_EQ(range.kvs.at(0).create_revision, 2);
}

TEST(etcd_json_decode, txn_delete_response) {
    auto t =
        decode_txn(R"({"succeeded":true,"responses":[{"response_delete_range":{"deleted":"2"}}]})");
    ASSERT_TRUE(t);
    EXPECT_EQ(std::get<delete_response>(t->responses.at(0)).deleted, 2);
}

TEST(etcd_json_decode, txn_response_of_unknown_kind_is_a_protocol_error) {
    auto t = decode_txn(R"({"succeeded":true,"responses":[{"response_txn":{}}]})");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().kind, etcd_error_kind::protocol);
}

TEST(etcd_json_decode, lease_grant) {
    // etcd 3.4.23: TTL 1 asked, 2 granted (its minimum).
    auto g = decode_lease_grant(std::string("{") + header_json +
                                R"(,"ID":"2324035703094862085","TTL":"2"})");
    ASSERT_TRUE(g) << g.error().describe();
    EXPECT_EQ(g->id, 2324035703094862085);
    EXPECT_EQ(g->ttl, 2);
}

TEST(etcd_json_decode, lease_grant_error_field_is_a_server_error) {
    auto g = decode_lease_grant(R"({"error":"lease already exists"})");
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().kind, etcd_error_kind::server);
    EXPECT_EQ(g.error().message, "lease already exists");
}

TEST(etcd_json_decode, lease_grant_without_ttl_is_a_protocol_error) {
    auto g = decode_lease_grant(R"({"ID":"5"})");
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().kind, etcd_error_kind::protocol);
}

TEST(etcd_json_decode, keepalive_of_a_live_lease_has_its_ttl_in_result) {
    auto k = decode_lease_keepalive(std::string(R"({"result":{)") + header_json +
                                    R"(,"ID":"123","TTL":"15"}})");
    ASSERT_TRUE(k) << k.error().describe();
    EXPECT_EQ(k->id, 123);
    EXPECT_EQ(k->ttl, 15);
}

TEST(etcd_json_decode, keepalive_of_a_dead_lease_answers_without_ttl) {
    // etcd 3.4.23: 200, and TTL left out (zero).
    auto k =
        decode_lease_keepalive(std::string(R"({"result":{)") + header_json + R"(,"ID":"123"}})");
    ASSERT_TRUE(k);
    EXPECT_EQ(k->ttl, 0);
}

TEST(etcd_json_decode, keepalive_stream_error_is_a_server_error) {
    auto k = decode_lease_keepalive(
        R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader","http_status":"Service Unavailable"}})");
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().kind, etcd_error_kind::server);
    EXPECT_EQ(k.error().grpc_code, 14);
    EXPECT_EQ(k.error().http_status, 503);
    EXPECT_EQ(k.error().message, "etcdserver: no leader");
}

TEST(etcd_json_decode, keepalive_without_result_is_a_protocol_error) {
    auto k = decode_lease_keepalive("{}");
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().kind, etcd_error_kind::protocol);
}

TEST(etcd_json_decode, authenticate_gives_the_token) {
    // etcd 3.4.23 (simple token).
    auto t =
        decode_authenticate(std::string("{") + header_json + R"(,"token":"NlMKDzjWbjeQUqsY.18"})");
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, "NlMKDzjWbjeQUqsY.18");
    EXPECT_FALSE(decode_authenticate("{}"));
}

TEST(etcd_json_decode, watch_created) {
    auto w =
        decode_watch_message(std::string(R"({"result":{)") + header_json + R"(,"created":true}})");
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->created);
    EXPECT_FALSE(w->canceled);
    EXPECT_EQ(w->watch_id, 0);
    EXPECT_TRUE(w->events.empty());
}

TEST(etcd_json_decode, watch_put_event_has_no_type_and_delete_event_says_delete) {
    // etcd 3.4.23
    auto put = decode_watch_message(
        R"({"result":{"header":{"revision":"2"},"events":[{"kv":{"key":"YQ==","create_revision":"2","mod_revision":"2","version":"1","value":"Yg=="}}]}})");
    ASSERT_TRUE(put) << put.error().describe();
    ASSERT_EQ(put->events.size(), 1u);
    EXPECT_EQ(put->events[0].type, watch_event::kind::put);
    EXPECT_EQ(put->events[0].kv, (key_value{"a", "b", 2, 2, 1, 0}));

    auto del = decode_watch_message(
        R"({"result":{"header":{"revision":"3"},"events":[{"type":"DELETE","kv":{"key":"YQ==","mod_revision":"3"}}]}})");
    ASSERT_TRUE(del);
    EXPECT_EQ(del->events.at(0).type, watch_event::kind::remove);
    EXPECT_EQ(del->events.at(0).kv.key, "a");
    EXPECT_EQ(del->events.at(0).kv.mod_revision, 3);
}

TEST(etcd_json_decode, watch_event_of_unknown_type_is_a_protocol_error) {
    EXPECT_FALSE(decode_watch_message(R"({"result":{"events":[{"type":"MOVE","kv":{}}]}})"));
}

TEST(etcd_json_decode, watch_canceled_by_compaction) {
    // etcd 3.4.23: watching from a compacted revision.
    auto w = decode_watch_message(
        R"({"result":{"header":{"cluster_id":"1","raft_term":"2"},"canceled":true,"compact_revision":"4"}})");
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->canceled);
    EXPECT_EQ(w->compact_revision, 4);
}

TEST(etcd_json_decode, watch_canceled_for_auth_with_its_reason) {
    // etcd 3.4.23 with auth on and a bad token.
    auto w = decode_watch_message(
        R"({"result":{"header":{"revision":"4"},"watch_id":"-1","created":true,"canceled":true,"cancel_reason":"rpc error: code = Unauthenticated desc = etcdserver: invalid auth token"}})");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->watch_id, -1);
    EXPECT_TRUE(w->canceled);
    EXPECT_NE(w->cancel_reason.find("invalid auth token"), std::string::npos);
}

TEST(etcd_json_decode, watch_stream_error) {
    auto w = decode_watch_message(
        R"({"error":{"grpc_code":1,"http_code":408,"message":"context canceled","http_status":"Request Timeout"}})");
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().grpc_code, 1);
    EXPECT_EQ(w.error().message, "context canceled");
}

TEST(etcd_json_decode, invalid_json_and_non_objects_are_protocol_errors) {
    for (const char* body : {"", "{", "[]", "null", R"("text")", "<html>"}) {
        auto r = decode_range(body);
        ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().kind, etcd_error_kind::protocol) << body;
        EXPECT_NE(r.error().describe().find("unexpected answer from etcd"), std::string::npos);
    }
}

TEST(etcd_json_decode, mistyped_fields_are_protocol_errors_naming_the_field) {
    struct bad {
        const char* body;
        const char* field;
    };
    for (const bad& b :
         {bad{R"({"header":{"revision":true}})", "revision"},
          bad{R"({"header":{"revision":"12x"}})", "revision"},
          bad{R"({"header":{"revision":""}})", "revision"}, bad{R"({"header":[]})", "header"},
          bad{R"({"kvs":{}})", "kvs"}, bad{R"({"kvs":[1]})", "key-value"},
          bad{R"({"kvs":[{"key":"%%%"}]})", "key"}, bad{R"({"kvs":[{"key":5}]})", "key"},
          bad{R"({"more":"yes"})", "more"}}) {
        auto r = decode_range(b.body);
        ASSERT_FALSE(r) << b.body;
        EXPECT_NE(r.error().message.find(b.field), std::string::npos)
            << b.body << ": " << r.error().message;
    }
}

TEST(etcd_json_decode, integer_overflow_is_a_protocol_error) {
    EXPECT_FALSE(decode_put(R"({"header":{"revision":"99999999999999999999"}})"));
}

TEST(etcd_json_error, etcd_3_4_error_body_has_error_message_and_code) {
    // etcd 3.4.23, 404 on a revoke of an unknown lease.
    auto e = decode_error(
        404,
        R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})");
    EXPECT_EQ(e.kind, etcd_error_kind::server);
    EXPECT_EQ(e.http_status, 404);
    EXPECT_EQ(e.grpc_code, 5);
    EXPECT_EQ(e.message, "etcdserver: requested lease not found");
    EXPECT_TRUE(e.lease_not_found());
    EXPECT_FALSE(e.needs_authentication());
}

TEST(etcd_json_error, error_only_body_of_older_gateways) {
    auto e = decode_error(400, R"({"error":"etcdserver: user name is empty","code":3})");
    EXPECT_EQ(e.message, "etcdserver: user name is empty");
    EXPECT_TRUE(e.needs_authentication());
}

TEST(etcd_json_error, message_only_body_of_etcd_3_6) {
    auto e =
        decode_error(401, R"({"code":16,"message":"etcdserver: invalid auth token","details":[]})");
    EXPECT_EQ(e.grpc_code, 16);
    EXPECT_EQ(e.message, "etcdserver: invalid auth token");
    EXPECT_TRUE(e.needs_authentication());
}

TEST(etcd_json_error, nested_stream_error_body) {
    auto e = decode_error(503, R"({"error":{"grpc_code":14,"message":"etcdserver: no leader"}})");
    EXPECT_EQ(e.message, "etcdserver: no leader");
}

TEST(etcd_json_error, non_json_body_is_described_by_status) {
    auto e = decode_error(502, "<html>bad gateway</html>");
    EXPECT_EQ(e.kind, etcd_error_kind::server);
    EXPECT_EQ(e.message, "HTTP 502 with a body that is not etcd's error JSON");
    EXPECT_EQ(decode_error(500, "").message, "HTTP 500");
}

TEST(etcd_json_error, describe_names_the_kind) {
    EXPECT_EQ((etcd_error{etcd_error_kind::unreachable, 0, 0, "connection refused"}).describe(),
              "etcd unreachable: connection refused");
    EXPECT_EQ((etcd_error{etcd_error_kind::server, 404, 5, "lease not found"}).describe(),
              "etcd error (code 5): lease not found");
    EXPECT_EQ((etcd_error{etcd_error_kind::server, 500, 0, "HTTP 500"}).describe(),
              "etcd error: HTTP 500");
}

TEST(etcd_json_error, auth_store_revision_is_old_needs_authentication) {
    EXPECT_TRUE(
        (etcd_error{etcd_error_kind::server, 400, 3, "etcdserver: revision of auth store is old"})
            .needs_authentication());
    EXPECT_FALSE((etcd_error{etcd_error_kind::unreachable, 0, 16, "x"}).needs_authentication());
}

}  // namespace
}  // namespace sesmon::ha
