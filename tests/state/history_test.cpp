#include "state/history.hpp"

#include "state/history_fixture.hpp"

namespace sesmon::state::test {
namespace {

TEST_F(history_test, an_upgrade_and_its_node_timeline) {
    commit({make_event(event_type::upgrade_started, "", "", 0, t0)});
    commit({node("a", "running", "Upgrade_OpenSearch", 1, t0 + 1min)});
    commit({node("a", "Upgrade_OpenSearch", "complete", 2, t0 + 4min)});
    auto done = make_event(event_type::upgrade_finished, "", "", 0, t0 + 9min);
    done.upgrade->finished_at = t0 + 8min;
    commit({done});

    const std::string id = upgrade_id("1037001", "2025-03-24T17:09:41+09:00", "2150");
    EXPECT_EQ(query("SELECT id || ' ' || outcome || ' ' || (finished_at - started_at) || ' ' || "
                    "(ended_at - started_at) FROM upgrades"),
              id + " finished 480 540");
    const auto m = [](std::chrono::minutes x) { return std::to_string(x.count() * 60); };
    EXPECT_EQ(query("SELECT status || ' ' || (started_at - " +
                    std::to_string(t0.time_since_epoch().count()) +
                    ") || ' ' || "
                    "ifnull(ended_at - started_at, 'open') FROM node_statuses WHERE hostname = 'a' "
                    "ORDER BY started_at"),
              "running 0 " + m(1min) + "\nUpgrade_OpenSearch " + m(1min) + " " + m(3min) +
                  "\ncomplete " + m(4min) + " open");
}

TEST_F(history_test, failed_stays_failed_when_the_upgrade_vanishes) {
    commit({make_event(event_type::upgrade_started)});
    commit({make_event(event_type::upgrade_failed, "a", "Upgrade_Fail", 0)});
    commit({make_event(event_type::upgrade_vanished, "", "", 0, t0 + 1h)});
    EXPECT_EQ(query("SELECT outcome FROM upgrades"), "failed");
    EXPECT_EQ(query("SELECT ended_at IS NOT NULL FROM upgrades"), "1");
}

TEST_F(history_test, a_vanished_upgrade_is_vanished) {
    commit({make_event(event_type::upgrade_started)});
    commit({make_event(event_type::upgrade_vanished)});
    EXPECT_EQ(query("SELECT outcome FROM upgrades"), "vanished");
}

TEST_F(history_test, events_without_an_upgrade_touch_no_history) {
    auto blind = make_event(event_type::monitor_blind);
    blind.upgrade.reset();
    commit({blind});
    EXPECT_EQ(query("SELECT count(*) FROM upgrades"), "0");
    EXPECT_EQ(query("SELECT count(*) FROM events"), "1");
}

TEST_F(history_test, pruning_removes_what_retention_no_longer_covers) {
    const auto old = t0 - 500 * 24h;
    auto started = make_event(event_type::upgrade_started, "", "", 0, old);
    auto finished = make_event(event_type::upgrade_finished, "", "", 0, old + 1h);
    auto fresh = make_event(event_type::monitor_blind, "", "", 7, t0);
    fresh.upgrade.reset();
    commit({started, finished, fresh}, old + 1h);
    pending_writes results;
    results.add(delivery_update{"hook", started.id, delivery_status::delivered, 1, {}, "", old});
    results.add(delivery_update{"hook", finished.id, delivery_status::dead, 1, {}, "x", old});
    writes_->commit(results, old + 1h);

    const duration retention = 400 * 24h;
    std::size_t total = 0;
    for (std::size_t n; (n = writes_->prune(t0, retention, 1)) > 0;)
        total += n;        // one row per kind per step: it goes in small steps
    EXPECT_EQ(total, 5u);  // 2 outbox rows, 2 events, 1 upgrade; the fresh event stays
    EXPECT_EQ(query("SELECT count(*) FROM upgrades"), "0");
    EXPECT_EQ(query("SELECT count(*) FROM node_statuses"), "0");
    EXPECT_EQ(query("SELECT id FROM events"), fresh.id);
    EXPECT_EQ(query("SELECT count(*) FROM outbox"), "1");
}

}  // namespace
}  // namespace sesmon::state::test
