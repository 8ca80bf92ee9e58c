// etcd_client against a real etcd (Debian's etcd-server on 127.0.0.1): every operation the
// election and the group store use, the zero values of real answers, TLS with client
// certificates, user/password auth with token renewal, and endpoints that do not answer.
#include "ha/etcd_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "ha/etcd_json.hpp"

#include "support/blackhole.hpp"
#include "support/etcd_server.hpp"
#include "support/run_awaitable.hpp"
#include "support/scripted_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::ha {
namespace {

using namespace std::chrono_literals;
using sesmon::test::run_awaitable;

constexpr duration timeout = 5s;

class etcd_client_test : public ::testing::Test {
  protected:
    etcd_client make_client(etcd_client_options o = {}) {
        if (o.endpoints.empty())
            o.endpoints = {etcd_->endpoint()};
        return etcd_client(io_.get_executor(), std::move(o));
    }
    template <class T>
    T run(boost::asio::awaitable<T> task) {
        return run_awaitable(io_, std::move(task));
    }

    sesmon::test::temp_dir dir_;
    std::unique_ptr<sesmon::test::etcd_server> etcd_ =
        std::make_unique<sesmon::test::etcd_server>(dir_.path() / "etcd");
    boost::asio::io_context io_;
};

TEST_F(etcd_client_test, put_range_and_delete_keep_binary_keys_and_values) {
    auto client = make_client();
    const std::string key("/t/\x00\xff", 5);
    const std::string value("v\n\"\x01", 4);
    auto put = run(client.put({key, value}, timeout));
    ASSERT_TRUE(put) << put.error().describe();
    EXPECT_GT(put->revision, 0);

    auto got = run(client.range({key}, timeout));
    ASSERT_TRUE(got) << got.error().describe();
    ASSERT_EQ(got->kvs.size(), 1u);
    EXPECT_EQ(got->kvs[0].key, key);
    EXPECT_EQ(got->kvs[0].value, value);
    EXPECT_EQ(got->kvs[0].create_revision, put->revision);
    EXPECT_EQ(got->kvs[0].mod_revision, put->revision);
    EXPECT_EQ(got->kvs[0].version, 1);

    auto deleted = run(client.remove({key}, timeout));
    ASSERT_TRUE(deleted);
    EXPECT_EQ(deleted->deleted, 1);
    auto none = run(client.range({key}, timeout));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->kvs.empty());
    EXPECT_EQ(none->count, 0);
}

TEST_F(etcd_client_test, empty_value_reads_back_empty) {
    auto client = make_client();
    ASSERT_TRUE(run(client.put({"/t/empty", ""}, timeout)));
    auto got = run(client.range({"/t/empty"}, timeout));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->kvs.at(0).value, "");
}

TEST_F(etcd_client_test, prefix_range_lists_keys_in_order) {
    auto client = make_client();
    for (const char* k : {"/p/b", "/p/a", "/q/x", "/p/c"})
        ASSERT_TRUE(run(client.put({k, k}, timeout)));
    auto got = run(client.range({"/p/", prefix_range_end("/p/")}, timeout));
    ASSERT_TRUE(got);
    ASSERT_EQ(got->kvs.size(), 3u);
    EXPECT_EQ(got->kvs[0].key, "/p/a");
    EXPECT_EQ(got->kvs[2].key, "/p/c");
    auto deleted = run(client.remove({"/p/", prefix_range_end("/p/")}, timeout));
    ASSERT_TRUE(deleted);
    EXPECT_EQ(deleted->deleted, 3);
}

txn_request create_if_absent(const std::string& key, const std::string& value, std::int64_t lease) {
    txn_request t;
    t.compares.push_back({key, compare::target::create, compare::result::equal, 0, ""});
    t.success.emplace_back(put_request{key, value, lease});
    t.failure.emplace_back(range_request{key});
    return t;
}

TEST_F(etcd_client_test, create_if_absent_succeeds_once_then_reads_the_holder) {
    auto client = make_client();
    auto first = run(client.txn(create_if_absent("/e/leader", "a", 0), timeout));
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_TRUE(first->succeeded);
    auto second = run(client.txn(create_if_absent("/e/leader", "b", 0), timeout));
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->succeeded);  // etcd leaves `succeeded` out
    ASSERT_EQ(second->responses.size(), 1u);
    const auto& holder = std::get<range_response>(second->responses[0]);
    EXPECT_EQ(holder.kvs.at(0).value, "a");
    EXPECT_EQ(holder.kvs.at(0).create_revision, first->header.revision);
}

TEST_F(etcd_client_test, txn_fenced_on_create_revision_fails_after_the_key_was_recreated) {
    auto client = make_client();
    auto created = run(client.txn(create_if_absent("/f/leader", "a", 0), timeout));
    ASSERT_TRUE(created && created->succeeded);
    const std::int64_t mine = created->header.revision;
    txn_request fenced;
    fenced.compares.push_back(
        {"/f/leader", compare::target::create, compare::result::equal, mine, ""});
    fenced.success.emplace_back(put_request{"/f/data", "1"});
    auto ok = run(client.txn(fenced, timeout));
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->succeeded);

    ASSERT_TRUE(run(client.remove({"/f/leader"}, timeout)));
    ASSERT_TRUE(run(client.txn(create_if_absent("/f/leader", "b", 0), timeout)));
    fenced.success = {put_request{"/f/data", "2"}};
    auto refused = run(client.txn(fenced, timeout));
    ASSERT_TRUE(refused);
    EXPECT_FALSE(refused->succeeded);
    EXPECT_EQ(run(client.range({"/f/data"}, timeout))->kvs.at(0).value, "1");
}

TEST_F(etcd_client_test, lease_grant_keepalive_and_revoke) {
    auto client = make_client();
    auto lease = run(client.lease_grant(1, timeout));
    ASSERT_TRUE(lease) << lease.error().describe();
    EXPECT_GE(lease->ttl, 1);  // etcd raises it to its minimum
    ASSERT_TRUE(run(client.put({"/l/held", "x", lease->id}, timeout)));

    auto alive = run(client.lease_keepalive(lease->id, timeout));
    ASSERT_TRUE(alive) << alive.error().describe();
    EXPECT_EQ(alive->id, lease->id);
    EXPECT_EQ(alive->ttl, lease->ttl);

    ASSERT_TRUE(run(client.lease_revoke(lease->id, timeout)));
    EXPECT_TRUE(run(client.range({"/l/held"}, timeout))->kvs.empty());  // went with the lease

    auto dead = run(client.lease_keepalive(lease->id, timeout));
    ASSERT_TRUE(dead);  // 200, without a TTL
    EXPECT_EQ(dead->ttl, 0);
    EXPECT_TRUE(run(client.lease_revoke(lease->id, timeout)));  // already gone: fine
}

TEST_F(etcd_client_test, put_with_a_dead_lease_is_a_lease_not_found_error) {
    auto client = make_client();
    auto put = run(client.put({"/l/x", "x", 12345}, timeout));
    ASSERT_FALSE(put);
    EXPECT_TRUE(put.error().lease_not_found()) << put.error().describe();
}

TEST_F(etcd_client_test, watch_sees_puts_and_deletes_in_order) {
    auto client = make_client();
    auto start = run(client.put({"/w/a", "1"}, timeout));
    ASSERT_TRUE(start);
    auto w = run(client.watch({"/w/", prefix_range_end("/w/"), start->revision}, timeout));
    ASSERT_TRUE(w) << w.error().error.describe();
    ASSERT_TRUE(run(client.remove({"/w/a"}, timeout)));
    ASSERT_TRUE(run(client.put({"/w/b", ""}, timeout)));

    std::vector<watch_event> seen;
    while (seen.size() < 3) {
        auto message = run((*w)->next(5s));
        ASSERT_TRUE(message) << message.error().describe();
        ASSERT_FALSE(message->canceled);
        for (auto& e : message->events)
            seen.push_back(e);
    }
    EXPECT_EQ(seen[0].type, watch_event::kind::put);
    EXPECT_EQ(seen[0].kv.value, "1");
    EXPECT_EQ(seen[1].type, watch_event::kind::remove);
    EXPECT_EQ(seen[1].kv.key, "/w/a");
    EXPECT_EQ(seen[2].kv.key, "/w/b");
    EXPECT_EQ(seen[2].kv.value, "");
}

TEST_F(etcd_client_test, watch_idle_timeout_and_cancel_end_next) {
    auto client = make_client();
    auto w = run(client.watch({"/idle/"}, timeout));
    ASSERT_TRUE(w);
    auto idle = run((*w)->next(200ms));
    ASSERT_FALSE(idle);
    EXPECT_NE(idle.error().message.find("no message for 200 ms"), std::string::npos);
}

TEST_F(etcd_client_test, watch_from_a_compacted_revision_is_cancelled_with_the_compaction) {
    auto client = make_client();
    ASSERT_TRUE(run(client.put({"/c/a", "1"}, timeout)));
    auto last = run(client.put({"/c/a", "2"}, timeout));
    ASSERT_TRUE(last);
    auto compacted = run(client.compact(last->revision, timeout));
    ASSERT_TRUE(compacted) << compacted.error().describe();
    // Compacting to where it already is: a success.
    ASSERT_TRUE(run(client.compact(last->revision, timeout)));

    auto w = run(client.watch({"/c/", prefix_range_end("/c/"), 1}, timeout));
    if (w) {  // etcd 3.4 confirms the watch first, then cancels it
        auto message = run((*w)->next(5s));
        ASSERT_TRUE(message) << message.error().describe();
        EXPECT_TRUE(message->canceled);
        EXPECT_EQ(message->compact_revision, last->revision);
    } else {
        EXPECT_EQ(w.error().compacted, last->revision);
    }
}

TEST_F(etcd_client_test, unreachable_endpoint_is_an_unreachable_error) {
    auto client = make_client({{"http://127.0.0.1:" + std::to_string(sesmon::test::free_port())}});
    auto got = run(client.range({"/x"}, 2s));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, etcd_error_kind::unreachable);
    EXPECT_NE(got.error().describe().find("cannot connect"), std::string::npos);
}

TEST_F(etcd_client_test, a_dead_first_endpoint_fails_over_to_the_next_and_stays_there) {
    const std::string dead = "http://127.0.0.1:" + std::to_string(sesmon::test::free_port());
    auto client = make_client({{dead, etcd_->endpoint()}});
    auto got = run(client.put({"/x", "1"}, timeout));
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ(client.current_endpoint(), etcd_->endpoint());
}

// Failed before the fix: the whole deadline went to the first endpoint, every time (it
// never moved on from an endpoint that did not accept), so the group was "etcd unreachable".
TEST_F(etcd_client_test, one_black_holed_endpoint_of_three_costs_a_share_of_one_deadline_once) {
    sesmon::test::blackhole hole;
    const std::string second = "http://localhost:" + std::to_string(etcd_->port());
    std::vector<std::string> moves;
    etcd_client_options o;
    o.endpoints = {hole.url(), etcd_->endpoint(), second};
    o.on_failover = [&](const std::string& from, const std::string& to, const std::string&) {
        moves.push_back(from + " -> " + to);
    };
    auto client = make_client(o);
    const auto start = std::chrono::steady_clock::now();
    auto first = run(client.range({"/x"}, 3s));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_GE(took, 900ms);  // a third of the deadline to connect to the black hole
    EXPECT_LT(took, 2500ms);
    EXPECT_EQ(client.current_endpoint(), etcd_->endpoint());
    ASSERT_EQ(moves.size(), 1u);
    EXPECT_EQ(moves[0], hole.url() + " -> " + etcd_->endpoint());
    // From then on the black hole costs nothing: a write too, and a watch.
    const auto again = std::chrono::steady_clock::now();
    ASSERT_TRUE(run(client.put({"/x", "1"}, 3s)));
    ASSERT_TRUE(run(client.watch({"/x"}, 3s)));
    EXPECT_LT(std::chrono::steady_clock::now() - again, 1s);
}

// A member that answers it cannot serve (a partitioned one: "no leader") is left for the
// next; reads go there within the same deadline.
TEST_F(etcd_client_test, a_member_that_cannot_serve_is_left_and_reads_go_to_the_next) {
    sesmon::test::scripted_server partitioned;
    partitioned.set_handler([](const sesmon::test::recorded_request&) {
        return sesmon::test::scripted_reply{
            .status = 503, .body = R"({"error":"etcdserver: no leader","code":14})"};
    });
    ASSERT_TRUE(run(make_client().put({"/r", "1"}, timeout)));
    auto client = make_client({{partitioned.base_url(), etcd_->endpoint()}});
    auto got = run(client.range({"/r"}, timeout));
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ(got->kvs.at(0).value, "1");
    EXPECT_EQ(client.current_endpoint(), etcd_->endpoint());
    EXPECT_EQ(partitioned.requests().size(), 1u);
}

// "no leader" is said before anything is proposed: a transaction may go to the next member.
// "request timed out" may come after it was applied: a campaign is not sent again.
TEST_F(etcd_client_test,
       a_campaign_goes_elsewhere_after_no_leader_but_never_twice_after_a_timeout) {
    const auto with_answer = [](std::string body) {
        auto server = std::make_unique<sesmon::test::scripted_server>();
        server->set_handler([body](const sesmon::test::recorded_request&) {
            return sesmon::test::scripted_reply{.status = 503, .body = body};
        });
        return server;
    };
    auto no_leader = with_answer(R"({"error":"etcdserver: no leader","code":14})");
    auto campaign_client = make_client({{no_leader->base_url(), etcd_->endpoint()}});
    auto won = run(campaign_client.txn(create_if_absent("/c1/leader", "a", 0), timeout));
    ASSERT_TRUE(won) << won.error().describe();
    EXPECT_TRUE(won->succeeded);

    auto timed_out = with_answer(R"({"error":"etcdserver: request timed out","code":14})");
    auto client = make_client({{timed_out->base_url(), etcd_->endpoint()}});
    auto lost = run(client.txn(create_if_absent("/c2/leader", "a", 0), timeout));
    ASSERT_FALSE(lost);
    EXPECT_NE(lost.error().message.find("request timed out"), std::string::npos);
    EXPECT_EQ(timed_out->requests().size(), 1u);
    EXPECT_TRUE(run(make_client().range({"/c2/leader"}, timeout))->kvs.empty());  // not sent on
    EXPECT_EQ(client.current_endpoint(), etcd_->endpoint());  // the next request goes there
}

// A transaction whose answer broke off may have been applied: sent once, even when the
// caller could have another endpoint; a fenced write the caller marks idempotent is not.
TEST_F(etcd_client_test, a_broken_answer_repeats_only_what_the_caller_marks_idempotent) {
    sesmon::test::scripted_server breaking;
    breaking.set_handler([](const sesmon::test::recorded_request&) {
        return sesmon::test::scripted_reply{
            .action = sesmon::test::scripted_reply::kind::reset_mid_body, .body = "{\"header\":"};
    });
    auto client = make_client({{breaking.base_url(), etcd_->endpoint()}});
    auto once = run(client.txn(create_if_absent("/b1/leader", "a", 0), timeout));
    ASSERT_FALSE(once);
    EXPECT_EQ(once.error().kind, etcd_error_kind::unreachable);
    EXPECT_EQ(breaking.requests().size(), 1u);
    EXPECT_TRUE(run(make_client().range({"/b1/leader"}, timeout))->kvs.empty());

    auto other = make_client({{breaking.base_url(), etcd_->endpoint()}});
    txn_request fenced;
    fenced.success.emplace_back(put_request{"/b2/data", "1"});
    auto again = run(other.txn(fenced, timeout, true));
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(run(make_client().range({"/b2/data"}, timeout))->kvs.at(0).value, "1");
}

TEST_F(etcd_client_test, keep_alive_reuses_one_connection) {
    auto client = make_client();
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(run(client.range({"/x"}, timeout)));
    EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(etcd_client_test, a_restarted_etcd_is_reached_again_on_a_fresh_connection) {
    auto client = make_client();
    ASSERT_TRUE(run(client.put({"/r", "1"}, timeout)));
    etcd_->stop();
    auto down = run(client.range({"/r"}, 2s));
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().kind, etcd_error_kind::unreachable);
    etcd_->start();
    auto back = run(client.range({"/r"}, timeout));
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(back->kvs.at(0).value, "1");
}

// ---- authentication ----

// Turns auth on through the gateway: user root (role root) with password "rootpw".
void enable_auth(boost::asio::io_context& io, etcd_client& client) {
    for (const auto& [path, body] :
         {std::pair{"/v3/auth/user/add", R"({"name":"root","password":"rootpw"})"},
          std::pair{"/v3/auth/user/grant", R"({"user":"root","role":"root"})"},
          std::pair{"/v3/auth/enable", "{}"}}) {
        auto answer = run_awaitable(io, client.post(path, body, "", timeout));
        ASSERT_TRUE(answer && answer->status == 200) << path;
    }
}

etcd_client_options as_root(const std::string& password) {
    etcd_client_options o;
    o.username = "root";
    o.password = sesmon::secret(password, "test");
    return o;
}

TEST_F(etcd_client_test, with_auth_on_a_client_without_credentials_is_refused) {
    auto admin = make_client();
    enable_auth(io_, admin);
    auto anonymous = make_client();
    auto got = run(anonymous.range({"/x"}, timeout));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, etcd_error_kind::server);
    EXPECT_NE(got.error().message.find("user name is empty"), std::string::npos);
}

TEST_F(etcd_client_test, username_and_password_authenticate_and_an_expired_token_is_renewed) {
    // Simple tokens that expire after one idle second.
    etcd_.reset();
    sesmon::test::etcd_options short_tokens;
    short_tokens.args = {"--auth-token=simple", "--auth-token-ttl=1"};
    etcd_ = std::make_unique<sesmon::test::etcd_server>(dir_.path() / "etcd2", short_tokens);
    auto admin = make_client();
    enable_auth(io_, admin);
    auto client = make_client(as_root("rootpw"));
    ASSERT_TRUE(run(client.put({"/a", "1"}, timeout)));  // authenticates

    auto login = run(admin.post("/v3/auth/authenticate",
                                json::encode_authenticate("root", "rootpw"), "", timeout));
    ASSERT_TRUE(login && login->status == 200);
    const std::string token = json::decode_authenticate(login->body).value();
    std::this_thread::sleep_for(2500ms);  // etcd's own token TTL: no clock to drive
    auto expired =
        run(admin.post("/v3/kv/range", json::encode(range_request{"/a"}), token, timeout));
    ASSERT_TRUE(expired);
    ASSERT_NE(expired->status, 200);  // a token of before is refused now...

    auto got = run(client.range({"/a"}, timeout));  // ...and the client recovers on its own
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ(got->kvs.at(0).value, "1");
}

TEST_F(etcd_client_test, a_wrong_password_is_reported_without_the_password) {
    auto admin = make_client();
    enable_auth(io_, admin);
    auto client = make_client(as_root("wrong-secret"));
    auto got = run(client.range({"/x"}, timeout));
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("authentication as root failed"), std::string::npos)
        << got.error().message;
    EXPECT_EQ(got.error().message.find("wrong-secret"), std::string::npos);
}

}  // namespace
}  // namespace sesmon::ha

namespace sesmon::ha {
namespace {

// etcd over TLS that requires client certificates. The trusted bundle holds the client's
// certificate and etcd's own (its JSON gateway dials etcd with etcd's certificate).
class etcd_tls_test : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(sesmon::test::have_openssl_cli());
        server_ = sesmon::test::make_self_signed_certificate(dir_.path(), "etcd", {"IP:127.0.0.1"});
        client_ = sesmon::test::make_self_signed_certificate(dir_.path(), "client", {"DNS:client"});
        const auto bundle = dir_.path() / "trusted.pem";
        ASSERT_EQ(sesmon::test::run_shell("cat " + sesmon::test::shell_quote(client_.cert_file) +
                                          " " + sesmon::test::shell_quote(server_.cert_file) +
                                          " > " + sesmon::test::shell_quote(bundle))
                      .exit_code,
                  0);
        etcd_ = std::make_unique<sesmon::test::etcd_server>(
            dir_.path() / "etcd",
            sesmon::test::etcd_options{server_.cert_file, server_.key_file, bundle, {}});
    }
    etcd_client make_client(etcd_tls_files tls) {
        return etcd_client(io_.get_executor(), {{etcd_->endpoint()}, std::move(tls), "", {}});
    }

    sesmon::test::temp_dir dir_;
    sesmon::test::test_certificate server_, client_;
    std::unique_ptr<sesmon::test::etcd_server> etcd_;
    boost::asio::io_context io_;
};

TEST_F(etcd_tls_test, client_certificate_and_ca_file_reach_etcd) {
    ASSERT_EQ(etcd_->endpoint().rfind("https://", 0), 0u);
    auto client = make_client({server_.cert_file, client_.cert_file, client_.key_file});
    auto put = run_awaitable(io_, client.put({"/tls", "1"}, timeout));
    ASSERT_TRUE(put) << put.error().describe();
}

TEST_F(etcd_tls_test, without_a_client_certificate_etcd_refuses) {
    auto client = make_client({server_.cert_file, "", ""});
    auto put = run_awaitable(io_, client.put({"/tls", "1"}, timeout));
    ASSERT_FALSE(put);
    EXPECT_EQ(put.error().kind, etcd_error_kind::unreachable) << put.error().describe();
}

TEST_F(etcd_tls_test, an_untrusted_server_certificate_fails_verification) {
    auto client = make_client({"", client_.cert_file, client_.key_file});
    auto put = run_awaitable(io_, client.put({"/tls", "1"}, timeout));
    ASSERT_FALSE(put);
    EXPECT_NE(put.error().message.find("certificate"), std::string::npos) << put.error().describe();
}

TEST(etcd_tls_files, an_unreadable_client_key_is_a_start_up_error_naming_the_file) {
    boost::asio::io_context io;
    sesmon::test::temp_dir dir;
    const auto cert = sesmon::test::make_self_signed_certificate(dir.path(), "c", {"DNS:c"});
    try {
        etcd_client client(
            io.get_executor(),
            {{"https://127.0.0.1:1"}, {"", cert.cert_file, "/nonexistent.key"}, "", {}});
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent.key"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace sesmon::ha
