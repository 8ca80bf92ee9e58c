// etcd_store and group_mirror against a real etcd: the exactly-once order (state and events
// in one fenced transaction before any handler), group commit, fencing, terms, an outage,
// pruning; and a member's local state.db following the group.
#include "state/etcd_store.hpp"

#include "ha/etcd_client.hpp"
#include "state/database.hpp"
#include "state/group_mirror.hpp"
#include "state/reads.hpp"
#include "store_fixture.hpp"
#include "support/etcd_server.hpp"
#include "support/run_awaitable.hpp"
#include "support/test_certs.hpp"

namespace sesmon::state::test {
namespace {

using sesmon::test::run_awaitable;

constexpr const char* prefix = "/g";

class etcd_store_test : public store_fixture {
  protected:
    // Makes `who` the leader: the leader key, created if absent; returns its term.
    ha::term take_leadership(const std::string& who = "a") {
        ha::txn_request t;
        t.compares.push_back(
            {"/g/leader", ha::compare::target::create, ha::compare::result::equal, 0, ""});
        t.success.emplace_back(ha::put_request{"/g/leader", who});
        auto r = run_awaitable(io_, client_.txn(t, 2s));
        EXPECT_TRUE(r && r->succeeded);
        return {0, r ? r->header.revision : 0};
    }
    etcd_store_options store_options() {
        etcd_store_options o;
        o.prefix = prefix;
        o.group_window = 20ms;
        o.request_timeout = 2s;
        o.retry_delay = 50ms;
        return o;
    }
    std::unique_ptr<etcd_store> make_store(etcd_store_options o) {
        auto s = std::make_unique<etcd_store>(io_.get_executor(), client_, clock_, o, log_);
        s->on_fenced([this](const ha::term&) { ++fenced_; });
        return s;
    }
    // Starts a term on `s` and waits for its initial state.
    initial_state begin(etcd_store& s, const ha::term& t) {
        std::optional<initial_state> loaded;
        s.begin_term(t, [&](initial_state i) { loaded = std::move(i); });
        EXPECT_TRUE(run_until([&] { return loaded.has_value(); }));
        return loaded.value_or(initial_state{});
    }
    std::vector<ha::key_value> keys_under(const std::string& p) {
        auto r = run_awaitable(io_, client_.range({p, ha::prefix_range_end(p)}, 2s));
        return r ? r->kvs : std::vector<ha::key_value>{};
    }
    std::optional<std::error_code> commit_on(etcd_store& s, batch b) {
        std::optional<std::error_code> result;
        s.commit(std::move(b), [&](std::error_code ec) { result = ec; });
        run_until([&] { return result.has_value(); }, 3s);
        return result;
    }

    sesmon::test::temp_dir etcd_dir_;
    sesmon::test::etcd_server etcd_{etcd_dir_.path() / "etcd"};
    ha::etcd_client client_{io_.get_executor(), {{etcd_.endpoint()}, {}, "", {}}};
    sesmon::system_clock clock_;
    int fenced_ = 0;
};

TEST_F(etcd_store_test, state_and_events_land_in_one_fenced_transaction_before_the_handler) {
    const auto t = take_leadership();
    auto s = make_store(store_options());
    const auto initial = begin(*s, t);
    EXPECT_TRUE(initial.clusters.empty());
    EXPECT_TRUE(initial.pending.empty());

    const auto started = make_event(event_type::upgrade_started);
    const auto changed = make_event(event_type::node_changed, "node-a", "Upgrade_OpenSearch");
    const auto result =
        commit_on(*s, batch_of("1037001", state_with(changed.id),
                               {{started, {"slack", "pager"}}, {changed, {"slack"}}}));
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
    EXPECT_EQ(s->transactions(), 1u);

    const auto clusters = keys_under("/g/clusters/");
    ASSERT_EQ(clusters.size(), 1u);
    EXPECT_EQ(clusters[0].key, "/g/clusters/1037001");
    const auto events = keys_under("/g/events/");
    ASSERT_EQ(events.size(), 2u);
    // One transaction: the state and both events carry the same revision.
    EXPECT_EQ(events[0].mod_revision, clusters[0].mod_revision);
    EXPECT_EQ(events[1].mod_revision, clusters[0].mod_revision);
    std::string error;
    const auto first = group::decode_event(1, events[0].value, error);
    ASSERT_TRUE(first) << error;
    EXPECT_EQ(first->event, started);
    ASSERT_EQ(first->deliveries.size(), 2u);
    EXPECT_EQ(first->deliveries[0].notifier, "slack");
    EXPECT_EQ(first->deliveries[0].status, delivery_status::pending);
    const auto state = group::decode_cluster("1037001", clusters[0].value, error);
    ASSERT_TRUE(state) << error;
    EXPECT_EQ(state->state, state_with(changed.id));
}

TEST_F(etcd_store_test, commits_within_the_window_share_one_transaction_and_complete_in_order) {
    const auto t = take_leadership();
    auto s = make_store(store_options());
    begin(*s, t);
    std::vector<int> completed;
    for (int i = 0; i < 30; ++i) {
        const auto e = make_event(event_type::node_changed, "node-" + std::to_string(i), "x");
        s->commit(batch_of(std::to_string(1000 + i), state_with(e.id), {{e, {"slack"}}}),
                  [&, i](std::error_code ec) {
                      EXPECT_FALSE(ec);
                      completed.push_back(i);
                  });
    }
    ASSERT_TRUE(run_until([&] { return completed.size() == 30; }));
    for (int i = 0; i < 30; ++i)
        EXPECT_EQ(completed[i], i);
    EXPECT_LE(s->transactions(), 2u);
    EXPECT_EQ(keys_under("/g/events/").size(), 30u);
    EXPECT_EQ(keys_under("/g/clusters/").size(), 30u);
}

TEST_F(etcd_store_test, groups_are_cut_at_etcds_operation_limit_between_batches) {
    const auto t = take_leadership();
    auto o = store_options();
    o.max_ops = 7;
    auto s = make_store(o);
    begin(*s, t);
    int done = 0;
    for (int i = 0; i < 6; ++i) {  // 3 operations each: never split inside a batch
        const auto a = make_event(event_type::node_changed, "a" + std::to_string(i), "x");
        const auto b = make_event(event_type::node_changed, "b" + std::to_string(i), "x");
        s->commit(batch_of(std::to_string(i), state_with(a.id), {{a, {"n"}}, {b, {"n"}}}),
                  [&](std::error_code) { ++done; });
    }
    ASSERT_TRUE(run_until([&] { return done == 6; }));
    EXPECT_EQ(s->transactions(), 3u);  // 2 batches (6 operations) per transaction
    EXPECT_EQ(keys_under("/g/events/").size(), 12u);
}

TEST_F(etcd_store_test, a_batch_larger_than_a_transaction_stores_its_events_first) {
    const auto t = take_leadership();
    auto o = store_options();
    o.max_ops = 3;
    auto s = make_store(o);
    begin(*s, t);
    std::vector<routed_event> events;
    for (int i = 0; i < 5; ++i)
        events.push_back(
            {make_event(event_type::node_changed, "n" + std::to_string(i), "x"), {"n"}});
    const auto result = commit_on(*s, batch_of("1037001", state_with("x"), events));
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
    EXPECT_EQ(s->transactions(), 2u);
    const auto clusters = keys_under("/g/clusters/");
    const auto stored = keys_under("/g/events/");
    ASSERT_EQ(stored.size(), 5u);
    ASSERT_EQ(clusters.size(), 1u);
    EXPECT_LT(stored.front().mod_revision, clusters.front().mod_revision);
    EXPECT_NE(log_text().find("exceeds one etcd transaction"), std::string::npos);
}

TEST_F(etcd_store_test, a_lost_leadership_fences_the_write_and_no_handler_runs) {
    const auto t = take_leadership();
    auto s = make_store(store_options());
    begin(*s, t);
    // Another member took over: the key was deleted and created again.
    ASSERT_TRUE(run_awaitable(io_, client_.remove({"/g/leader"}, 2s)));
    take_leadership("b");
    const auto e = make_event(event_type::upgrade_started);
    bool ran = false;
    s->commit(batch_of("1037001", state_with(e.id), {{e, {"slack"}}}),
              [&](std::error_code) { ran = true; });
    ASSERT_TRUE(run_until([&] { return fenced_ == 1; }));
    run_until([] { return false; }, 100ms);
    EXPECT_FALSE(ran);
    EXPECT_FALSE(s->in_term());
    EXPECT_TRUE(keys_under("/g/events/").empty());
    EXPECT_TRUE(keys_under("/g/clusters/").empty());
}

TEST_F(etcd_store_test, outside_a_term_writes_are_dropped_and_flush_returns) {
    auto s = make_store(store_options());
    const auto e = make_event(event_type::upgrade_started);
    bool ran = false;
    s->commit(batch_of("1", state_with(e.id), {{e, {"slack"}}}),
              [&](std::error_code) { ran = true; });
    s->record({"slack", e.id, delivery_status::delivered, 1, {}, "", t0});
    bool flushed = false;
    s->flush([&] { flushed = true; });
    ASSERT_TRUE(run_until([&] { return flushed; }));
    EXPECT_FALSE(ran);
    EXPECT_TRUE(keys_under("/g/").empty());
}

TEST_F(etcd_store_test, the_next_term_resumes_state_and_pending_deliveries_in_order) {
    const auto t = take_leadership();
    const auto a = make_event(event_type::upgrade_started);
    const auto b = make_event(event_type::node_changed, "node-a", "Upgrade_OpenSearch");
    const auto c = make_event(event_type::node_changed, "node-b", "Upgrade_OpenSearch");
    {
        auto first = make_store(store_options());
        begin(*first, t);
        ASSERT_TRUE(
            commit_on(*first, batch_of("1037001", state_with(c.id),
                                       {{a, {"slack"}}, {b, {"slack", "pager"}}, {c, {"pager"}}})));
        first->record({"slack", a.id, delivery_status::delivered, 1, {}, "", t0});
        first->record({"pager", b.id, delivery_status::pending, 2, t0 + 30s, "HTTP 503", t0});
        bool flushed = false;
        first->flush([&] { flushed = true; });
        ASSERT_TRUE(run_until([&] { return flushed; }));
    }
    // A new leader (a new term on the same key for the test's sake).
    auto second = make_store(store_options());
    const auto initial = begin(*second, t);
    ASSERT_EQ(initial.clusters.size(), 1u);
    EXPECT_EQ(initial.clusters[0].state, state_with(c.id));
    EXPECT_EQ(initial.clusters[0].name, "prod-logs");
    ASSERT_EQ(initial.pending.size(), 3u);  // slack:b, pager:b, pager:c — a to slack was delivered
    EXPECT_EQ(initial.pending[0].event.id, b.id);
    EXPECT_EQ(initial.pending[0].notifier, "slack");
    EXPECT_EQ(initial.pending[1].event.id, b.id);
    EXPECT_EQ(initial.pending[1].notifier, "pager");
    EXPECT_EQ(initial.pending[1].attempts, 2);
    EXPECT_EQ(initial.pending[1].next_attempt, t0 + 30s);
    EXPECT_EQ(initial.pending[1].last_error, "HTTP 503");
    EXPECT_EQ(initial.pending[2].event.id, c.id);
    EXPECT_LT(initial.pending[0].sequence, initial.pending[2].sequence);

    // Ids already stored are not stored again; new events follow the old ones.
    const auto d = make_event(event_type::upgrade_finished);
    ASSERT_TRUE(commit_on(*second,
                          batch_of("1037001", state_with(d.id), {{c, {"pager"}}, {d, {"slack"}}})));
    const auto events = keys_under("/g/events/");
    ASSERT_EQ(events.size(), 4u);
    std::string error;
    EXPECT_EQ(group::decode_event(4, events.back().value, error)->event.id, d.id);
}

TEST_F(etcd_store_test, reads_see_what_was_queued_before_them) {
    const auto t = take_leadership();
    auto s = make_store(store_options());
    begin(*s, t);
    const auto e = make_event(event_type::upgrade_started);
    s->commit(batch_of("1037001", state_with(e.id), {{e, {"slack", "pager"}}}), {});
    std::optional<std::optional<cluster_record>> cluster;
    std::optional<std::vector<delivery_record>> pending;
    s->load_cluster("1037001", [&](std::optional<cluster_record> c) { cluster = std::move(c); });
    s->load_pending("pager", [&](std::vector<delivery_record> rows) { pending = std::move(rows); });
    ASSERT_TRUE(run_until([&] { return cluster && pending; }));
    ASSERT_TRUE(*cluster);
    EXPECT_EQ((*cluster)->state, state_with(e.id));
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_EQ(pending->front().event.id, e.id);
}

TEST_F(etcd_store_test, while_etcd_is_down_the_handler_waits_and_health_says_why) {
    const auto t = take_leadership();
    auto s = make_store(store_options());
    begin(*s, t);
    etcd_.stop();
    const auto e = make_event(event_type::upgrade_started);
    std::optional<std::error_code> result;
    s->commit(batch_of("1037001", state_with(e.id), {{e, {"slack"}}}),
              [&](std::error_code ec) { result = ec; });
    ASSERT_TRUE(run_until([&] { return s->health().degraded; }, 5s));
    EXPECT_NE(s->health().reason.find("etcd unreachable"), std::string::npos);
    EXPECT_FALSE(result);  // no alert while etcd is down
    etcd_.start();
    ASSERT_TRUE(run_until([&] { return result.has_value(); }, 10s));
    EXPECT_FALSE(*result);
    EXPECT_FALSE(s->health().degraded);
    EXPECT_EQ(keys_under("/g/events/").size(), 1u);
}

TEST_F(etcd_store_test, finished_events_are_deleted_after_finished_kept) {
    const auto t = take_leadership();
    auto o = store_options();
    o.finished_kept = 0s;
    o.prune_every = 100ms;
    auto s = make_store(o);
    begin(*s, t);
    const auto a = make_event(event_type::upgrade_started);
    const auto b = make_event(event_type::upgrade_finished);
    ASSERT_TRUE(
        commit_on(*s, batch_of("1037001", state_with(b.id), {{a, {"slack"}}, {b, {"slack"}}})));
    s->record({"slack", a.id, delivery_status::delivered, 1, {}, "", clock_.wall_now() - 1s});
    ASSERT_TRUE(run_until([&] { return keys_under("/g/events/").size() == 1; }, 3s));
    std::string error;
    const auto left = keys_under("/g/events/");
    EXPECT_EQ(group::decode_event(2, left.at(0).value, error)->event.id, b.id);  // still pending
    EXPECT_EQ(keys_under("/g/clusters/").size(), 1u);
}

TEST_F(etcd_store_test, the_mirror_keeps_a_local_state_db_in_step_with_the_group) {
    const auto t = take_leadership("a");
    auto group_store = make_store(store_options());
    begin(*group_store, t);
    const auto started = make_event(event_type::upgrade_started);
    ASSERT_TRUE(commit_on(*group_store,
                          batch_of("1037001", state_with(started.id), {{started, {"slack"}}})));

    auto& local = open();  // this member's state.db
    group_mirror mirror(io_.get_executor(), client_, prefix, local, log_, {2s, 50ms, 30s});
    std::vector<std::string> leaders;
    std::vector<std::string> clusters;
    mirror.start({[&](const std::optional<ha::key_value>& kv, std::int64_t) {
                      leaders.push_back(kv ? kv->value : "(none)");
                  },
                  [&](const cluster_record& c) { clusters.push_back(c.instance_no); },
                  {}});
    ASSERT_TRUE(run_until([&] { return mirror.events_seen() == 1; }));
    EXPECT_EQ(leaders, std::vector<std::string>{"a"});
    EXPECT_EQ(clusters, std::vector<std::string>{"1037001"});

    // Later events and delivery results follow through the watch.
    const auto changed = make_event(event_type::node_changed, "node-a", "Upgrade_OpenSearch");
    ASSERT_TRUE(commit_on(*group_store,
                          batch_of("1037001", state_with(changed.id), {{changed, {"slack"}}})));
    group_store->record({"slack", started.id, delivery_status::delivered, 1, {}, "", t0});
    ASSERT_TRUE(run_until([&] { return mirror.events_seen() == 3; }));
    ASSERT_TRUE(run_awaitable(io_, client_.remove({"/g/leader"}, 2s)));
    ASSERT_TRUE(run_until([&] { return leaders.size() == 2; }));
    EXPECT_EQ(leaders.back(), "(none)");
    mirror.stop();
    flush_and_wait();

    auto db = open_for_reading(dir_);
    const auto pending = read_deliveries(*db, delivery_status::pending, std::nullopt, *log_);
    const auto delivered = read_deliveries(*db, delivery_status::delivered, std::nullopt, *log_);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].event.id, changed.id);
    ASSERT_EQ(delivered.size(), 1u);
    EXPECT_EQ(delivered[0].event.id, started.id);
    const auto stored = read_cluster(*db, "1037001", *log_);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->state, state_with(changed.id));
}

}  // namespace
}  // namespace sesmon::state::test
