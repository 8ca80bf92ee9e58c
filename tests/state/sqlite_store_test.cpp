#include "state/sqlite_store.hpp"

#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "state/database.hpp"
#include "state/reads.hpp"
#include "state/store_fixture.hpp"

namespace sesmon::state::test {
namespace {

using sqlite_store_test = store_fixture;

TEST_F(sqlite_store_test, a_committed_batch_is_there_after_reopening) {
    open();
    const auto started = make_event(event_type::upgrade_started);
    const auto changed = make_event(event_type::node_changed, "node-a", "Upgrade_OpenSearch", 1);
    EXPECT_FALSE(
        commit_and_wait(batch_of("1037001", state_with(started.id),
                                 {{started, {"journal", "slack"}}, {changed, {"journal"}}})));
    close();

    auto initial = open().take_initial();
    ASSERT_EQ(initial.clusters.size(), 1u);
    EXPECT_EQ(initial.clusters[0].instance_no, "1037001");
    EXPECT_EQ(initial.clusters[0].name, "prod-logs");
    EXPECT_EQ(initial.clusters[0].state, state_with(started.id));
    ASSERT_EQ(initial.pending.size(), 3u);  // one row per (event, notifier), in commit order
    EXPECT_EQ(initial.pending[0].notifier, "journal");
    EXPECT_EQ(initial.pending[0].event, started);
    EXPECT_EQ(initial.pending[1].notifier, "slack");
    EXPECT_EQ(initial.pending[2].event, changed);
}

TEST_F(sqlite_store_test, handlers_run_on_the_executor_in_commit_order) {
    open();
    std::vector<int> order;
    const auto loop_thread = std::this_thread::get_id();
    bool all_on_loop = true;
    for (int i = 0; i < 50; ++i) {
        store_->commit(batch_of("c" + std::to_string(i), {}), [&, i](std::error_code ec) {
            EXPECT_FALSE(ec);
            all_on_loop = all_on_loop && std::this_thread::get_id() == loop_thread;
            order.push_back(i);
        });
    }
    ASSERT_TRUE(run_until([&] { return order.size() == 50; }));
    EXPECT_TRUE(all_on_loop);
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST_F(sqlite_store_test, a_burst_of_commits_is_one_transaction) {
    auto o = options();
    o.group_window = 200ms;  // much longer than queuing the burst takes
    std::atomic<int> commits = 0;
    o.on_commit = [&](double) { ++commits; };
    open(o);
    int done = 0;
    for (int i = 0; i < 200; ++i) {
        const auto e = make_event(event_type::node_changed, "node-" + std::to_string(i),
                                  "Upgrade_OpenSearch", 1);
        store_->commit(batch_of("c" + std::to_string(i), state_with(e.id), {{e, {"journal"}}}),
                       [&](std::error_code ec) {
                           EXPECT_FALSE(ec);
                           ++done;
                       });
    }
    ASSERT_TRUE(run_until([&] { return done == 200; }));
    EXPECT_EQ(commits.load(), 1);
    close();
    EXPECT_EQ(open().take_initial().pending.size(), 200u);
}

TEST_F(sqlite_store_test, delivery_results_leave_only_pending_rows_to_resume) {
    open();
    const auto a = make_event(event_type::upgrade_started);
    const auto b = make_event(event_type::upgrade_stalled);
    const auto c = make_event(event_type::upgrade_finished);
    EXPECT_FALSE(commit_and_wait(
        batch_of("1037001", state_with(a.id), {{a, {"hook"}}, {b, {"hook"}}, {c, {"hook"}}})));
    store_->record({"hook", a.id, delivery_status::delivered, 1, {}, "", t0});
    store_->record({"hook", b.id, delivery_status::dead, 3, {}, "HTTP 404", t0});
    store_->record({"hook", c.id, delivery_status::pending, 2, t0 + 30s, "HTTP 503", t0});
    flush_and_wait();
    close();

    auto initial = open().take_initial();
    ASSERT_EQ(initial.pending.size(), 1u);
    EXPECT_EQ(initial.pending[0].event.id, c.id);
    EXPECT_EQ(initial.pending[0].attempts, 2);
    EXPECT_EQ(initial.pending[0].next_attempt, t0 + 30s);
    EXPECT_EQ(initial.pending[0].last_error, "HTTP 503");

    auto reader = open_for_reading(dir_);
    const auto dead = read_deliveries(*reader, delivery_status::dead, std::nullopt, *log_);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].event, b);
    EXPECT_EQ(dead[0].last_error, "HTTP 404");
}

TEST_F(sqlite_store_test, an_event_is_stored_once_whatever_retries) {
    open();
    const auto a = make_event(event_type::upgrade_started);
    EXPECT_FALSE(commit_and_wait(batch_of("1037001", state_with(a.id), {{a, {"hook"}}})));
    store_->record({"hook", a.id, delivery_status::delivered, 1, {}, "", t0});
    flush_and_wait();
    // The same id again (it cannot come from the tracker; an import could): no new delivery.
    EXPECT_FALSE(commit_and_wait(batch_of("1037001", state_with(a.id), {{a, {"hook"}}})));
    close();
    EXPECT_TRUE(open().take_initial().pending.empty());
}

TEST_F(sqlite_store_test, reads_see_every_write_queued_before_them) {
    open();
    store_->commit(batch_of("1037001", state_with("x")), {});
    std::optional<std::optional<cluster_record>> loaded;
    store_->load_cluster("1037001", [&](std::optional<cluster_record> r) { loaded = r; });
    ASSERT_TRUE(run_until([&] { return loaded.has_value(); }));
    ASSERT_TRUE(loaded->has_value());
    EXPECT_EQ((*loaded)->state, state_with("x"));

    std::optional<std::optional<cluster_record>> missing;
    store_->load_cluster("nope", [&](std::optional<cluster_record> r) { missing = r; });
    ASSERT_TRUE(run_until([&] { return missing.has_value(); }));
    EXPECT_FALSE(missing->has_value());
}

TEST_F(sqlite_store_test, load_pending_returns_one_notifiers_rows_in_order) {
    open();
    const auto a = make_event(event_type::upgrade_started);
    const auto b = make_event(event_type::upgrade_finished);
    store_->commit(batch_of("1037001", state_with(a.id), {{a, {"x", "y"}}, {b, {"y"}}}), {});
    std::optional<std::vector<delivery_record>> rows;
    store_->load_pending("y", [&](std::vector<delivery_record> r) { rows = std::move(r); });
    ASSERT_TRUE(run_until([&] { return rows.has_value(); }));
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].event.id, a.id);
    EXPECT_EQ((*rows)[1].event.id, b.id);
}

TEST_F(sqlite_store_test, a_failing_disk_degrades_then_catches_up) {
    std::atomic<int> fail_with = SQLITE_FULL;
    std::atomic<int> errors = 0;
    auto o = options();
    o.fault = [&] { return fail_with.load(); };
    o.on_error = [&] { ++errors; };
    open(o);
    std::vector<store_health> changes;
    store_->on_health_change([&](const store_health& h) { changes.push_back(h); });

    const auto a = make_event(event_type::upgrade_started);
    EXPECT_EQ(commit_and_wait(batch_of("1037001", state_with(a.id), {{a, {"hook"}}})),
              make_error_code(store_errc::degraded));
    ASSERT_TRUE(run_until([&] { return store_->health().degraded; }));
    EXPECT_NE(store_->health().reason.find("database or disk is full"), std::string::npos)
        << store_->health().reason;
    // While degraded, commits complete at once (alerts go out from memory).
    const auto b = make_event(event_type::upgrade_finished);
    EXPECT_EQ(commit_and_wait(batch_of("1037001", state_with(b.id), {{b, {"hook"}}})),
              make_error_code(store_errc::degraded));
    store_->record({"hook", a.id, delivery_status::delivered, 1, {}, "", t0});
    ASSERT_TRUE(run_until([&] { return errors.load() >= 2; }));  // it keeps retrying

    fail_with = 0;
    ASSERT_TRUE(run_until([&] { return !store_->health().degraded; }));
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_TRUE(changes[0].degraded);
    EXPECT_FALSE(changes[1].degraded);
    close();

    auto initial = open(options()).take_initial();
    ASSERT_EQ(initial.clusters.size(), 1u);
    EXPECT_EQ(initial.clusters[0].state, state_with(b.id));  // the latest state won
    ASSERT_EQ(initial.pending.size(), 1u);  // a was delivered while the disk failed
    EXPECT_EQ(initial.pending[0].event.id, b.id);
    const std::string log = log_text();
    EXPECT_NE(log.find("state store degraded"), std::string::npos) << log;
    EXPECT_NE(log.find("state store recovered"), std::string::npos) << log;
    EXPECT_EQ(log.find("still degraded"), std::string::npos) << "one line per episode:\n" << log;
}

TEST_F(sqlite_store_test, a_hung_disk_releases_waiting_handlers) {
    std::atomic<bool> hang = true;
    auto o = options();
    o.stuck_after = 100ms;
    o.fault = [&] {
        while (hang.load())
            std::this_thread::sleep_for(5ms);
        return 0;
    };
    open(o);
    const auto a = make_event(event_type::upgrade_started);
    const auto began = std::chrono::steady_clock::now();
    EXPECT_EQ(commit_and_wait(batch_of("1037001", state_with(a.id), {{a, {"hook"}}})),
              make_error_code(store_errc::slow));
    EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
    EXPECT_TRUE(store_->health().degraded);
    EXPECT_EQ(commit_and_wait(batch_of("1037001", state_with(a.id))),
              make_error_code(store_errc::slow));
    hang = false;
    ASSERT_TRUE(run_until([&] { return !store_->health().degraded; }));
    close();
    EXPECT_EQ(open(options()).take_initial().pending.size(), 1u);
}

TEST_F(sqlite_store_test, close_attempts_what_is_queued) {
    auto o = options();
    o.group_window = 10s;  // nothing would commit before close
    open(o);
    const auto a = make_event(event_type::upgrade_started);
    store_->commit(batch_of("1037001", state_with(a.id), {{a, {"hook"}}}), {});
    close();
    EXPECT_EQ(open().take_initial().pending.size(), 1u);
}

TEST_F(sqlite_store_test, a_damaged_database_is_moved_aside_and_the_store_starts_fresh) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "state.db", std::ios::binary) << std::string(8192, 'x');
    auto initial = open().take_initial();
    EXPECT_TRUE(initial.clusters.empty());
    EXPECT_FALSE(store_->health().degraded);
    bool aside = false;
    for (const auto& entry : fs::directory_iterator(dir_))
        aside = aside || entry.path().filename().string().starts_with("state.db.corrupt-");
    EXPECT_TRUE(aside);
    EXPECT_NE(log_text().find("is damaged"), std::string::npos) << log_text();
    EXPECT_FALSE(commit_and_wait(batch_of("1037001", state_with("x"))));
}

TEST_F(sqlite_store_test, a_database_of_a_newer_version_is_moved_aside) {
    open();
    close();
    {
        sqlite::connection db(dir_ / "state.db", sqlite::open_mode::read_write_create);
        db.exec("PRAGMA user_version = 99");
    }
    open();
    EXPECT_NE(log_text().find("newer version"), std::string::npos) << log_text();
    EXPECT_FALSE(store_->health().degraded);
}

TEST_F(sqlite_store_test, an_unusable_directory_is_a_degraded_start_not_a_refusal) {
    fs::create_directories(dir_.parent_path());
    std::ofstream(dir_, std::ios::binary) << "a file where the directory should be";
    open();
    EXPECT_TRUE(store_->health().degraded);
    const auto a = make_event(event_type::upgrade_started);
    EXPECT_EQ(commit_and_wait(batch_of("1037001", state_with(a.id), {{a, {"hook"}}})),
              make_error_code(store_errc::degraded));
    close();
    fs::remove(dir_);
}

TEST_F(sqlite_store_test, the_schema_version_is_recorded) {
    open();
    close();
    auto db = open_for_reading(dir_);
    EXPECT_EQ(db->query_int("PRAGMA user_version"), schema_version);
    EXPECT_EQ(db->query_text("PRAGMA journal_mode"), "wal");
}

}  // namespace
}  // namespace sesmon::state::test
