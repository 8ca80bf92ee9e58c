#include "state/sqlite_store.hpp"

#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "state/database.hpp"
#include "state/disk_faults.hpp"
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
    // The first one may go alone at once (the store was idle); the rest wait for the window.
    EXPECT_LE(commits.load(), 2);
    close();
    EXPECT_EQ(open().take_initial().pending.size(), 200u);
}

TEST_F(sqlite_store_test, an_idle_store_commits_at_once_and_a_busy_one_once_per_window) {
    auto o = options();
    // A window long enough that "at once" and "after the window" are far apart: each
    // bound has 0.3 s of slack (an fsync on a loaded machine, a late wake-up).
    o.group_window = 1s;
    std::atomic<int> commits = 0;
    o.on_commit = [&](double) { ++commits; };
    open(o);
    auto began = std::chrono::steady_clock::now();
    EXPECT_FALSE(commit_and_wait(batch_of("a", state_with("1"))));
    EXPECT_LT(std::chrono::steady_clock::now() - began, 700ms);  // no window to wait for
    began = std::chrono::steady_clock::now();
    EXPECT_FALSE(commit_and_wait(batch_of("a", state_with("2"))));
    EXPECT_GE(std::chrono::steady_clock::now() - began, 700ms);  // right after one: waits
    EXPECT_EQ(commits.load(), 2);
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
    auto faults = std::make_shared<disk_faults>();
    std::atomic<int> errors = 0;
    auto o = options();
    o.faults = faults;
    o.on_error = [&] { ++errors; };
    open(o);
    faults->set(disk_fault::full);
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

    faults->set(disk_fault::none);
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
    auto faults = std::make_shared<disk_faults>();
    auto o = options();
    o.stuck_after = 100ms;
    o.faults = faults;
    open(o);
    faults->set(disk_fault::hung);
    const auto a = make_event(event_type::upgrade_started);
    const auto began = std::chrono::steady_clock::now();
    EXPECT_EQ(commit_and_wait(batch_of("1037001", state_with(a.id), {{a, {"hook"}}})),
              make_error_code(store_errc::slow));
    EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
    EXPECT_TRUE(store_->health().degraded);
    EXPECT_EQ(commit_and_wait(batch_of("1037001", state_with(a.id))),
              make_error_code(store_errc::slow));
    faults->set(disk_fault::none);
    // Healthy again after a write that takes less than stuck_after.
    ASSERT_TRUE(run_until([&] {
        store_->commit(batch_of("1037001", state_with(a.id)), {});
        flush_and_wait();
        return !store_->health().degraded;
    }));
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

TEST_F(sqlite_store_test, after_close_every_call_still_answers) {
    open();
    store_->close();
    std::optional<std::error_code> committed;
    bool loaded = false, pending = false, flushed = false;
    store_->commit(batch_of("a", state_with("x")), [&](std::error_code ec) { committed = ec; });
    store_->load_cluster("a", [&](std::optional<cluster_record> r) { loaded = !r; });
    store_->load_pending("hook", [&](std::vector<delivery_record> r) { pending = r.empty(); });
    store_->flush([&] { flushed = true; });
    store_->record({"hook", "x", delivery_status::delivered, 1, {}, "", t0});
    ASSERT_TRUE(run_until([&] { return committed && loaded && pending && flushed; }));
    EXPECT_EQ(*committed, make_error_code(store_errc::closed));
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

// The whole-file check reads every page, so it runs on the writer after start, not before
// READY: damage it finds degrades the store now and moves the file aside at the next start.
TEST_F(sqlite_store_test, damage_found_after_start_degrades_now_and_is_moved_aside_next_start) {
    open();
    batch b = batch_of("1037001", state_with("x"));
    for (int i = 0; i < 3000; ++i)
        b.events.push_back(
            {make_event(event_type::node_changed, "n" + std::to_string(i), "Upgrade_OpenSearch", 1),
             {"hook"}});
    std::vector<std::string> ids;
    for (const auto& r : b.events)
        ids.push_back(r.event.id);
    EXPECT_FALSE(commit_and_wait(std::move(b)));
    for (const auto& id : ids)  // delivered: start reads no event then
        store_->record({"hook", id, delivery_status::delivered, 1, {}, "", t0});
    flush_and_wait();
    close();
    std::int64_t root = 0, page_size = 0;
    {
        sqlite::connection db(dir_ / "state.db", sqlite::open_mode::read_only);
        root = db.query_int("SELECT rootpage FROM sqlite_master WHERE name = 'events'");
        page_size = db.query_int("PRAGMA page_size");
    }
    {  // Garbage over the whole of the events table's root page, its header too (the root
       // of a deep tree may hold one cell: garbage in its free space is no damage). Start
       // reads none of it.
        std::fstream f(dir_ / "state.db", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp((root - 1) * page_size);
        f << std::string(static_cast<std::size_t>(page_size), '\x5a');
    }
    const auto initial = open().take_initial();
    EXPECT_EQ(initial.clusters.size(), 1u);  // what start reads is intact
    ASSERT_TRUE(run_until([&] { return store_->health().degraded; })) << log_text();
    EXPECT_NE(store_->health().reason.find("state.db is damaged"), std::string::npos);
    EXPECT_TRUE(fs::exists(dir_ / "state.db.damaged"));
    close();

    EXPECT_TRUE(open().take_initial().clusters.empty());  // moved aside: a fresh start
    EXPECT_FALSE(store_->health().degraded);
    EXPECT_FALSE(fs::exists(dir_ / "state.db.damaged"));
    bool aside = false;
    for (const auto& entry : fs::directory_iterator(dir_))
        aside = aside || entry.path().filename().string().starts_with("state.db.corrupt-");
    EXPECT_TRUE(aside);
    EXPECT_NE(log_text().find("found damaged while running"), std::string::npos) << log_text();
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
