// `ses-upgrade-monitor history`: the table view, and the built binary reading the state.db
// of a store that is still open and writing — a running daemon's, its recent commits in
// the WAL — with the expected finish from what that store holds.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cli/command_fixture.hpp"
#include "cli/history_view.hpp"
#include "common/time_format.hpp"
#include "monitor/tracker.hpp"
#include "state/history.hpp"

namespace sesmon::cli {
namespace {

using namespace std::chrono_literals;
const wall_time history_t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 20h;

state::upgrade_summary summary(const std::string& id, const std::string& outcome,
                               wall_time started) {
    return {.id = id,
            .instance_no = "1037001",
            .cluster = "prod-logs",
            .from_version = "2140",
            .to_version = "2150",
            .started_at = started,
            .outcome = outcome,
            .nodes_total = 8};
}

TEST(history_view_test, one_row_per_upgrade_with_duration_outcome_and_expected_finish) {
    auto running = summary("00000000000000aa", "in_progress", history_t0 - 30min);
    running.nodes_complete = 3;
    auto done = summary("00000000000000bb", "finished", history_t0 - 48h);
    done.finished_at = history_t0 - 48h + 95min;
    done.ended_at = history_t0 - 47h;
    done.nodes_complete = 8;
    const web::eta_lookup eta = [](const state::upgrade_summary& u) -> std::optional<wall_time> {
        if (u.id == "00000000000000aa")
            return history_t0 + 50min;
        return history_t0;  // asked only for upgrades in progress
    };
    EXPECT_EQ(history_table({running, done}, history_t0, eta, "none"),
              "ID                CLUSTER    VERSIONS     STARTED               DURATION    "
              "OUTCOME      NODES  EXPECTED FINISH\n"
              "00000000000000aa  prod-logs  2140 → 2150  2026-11-26T19:30:00Z  30m so far  "
              "in_progress  3/8    2026-11-26T20:50:00Z\n"
              "00000000000000bb  prod-logs  2140 → 2150  2026-11-24T20:00:00Z  1h35m       "
              "finished     8/8    -\n");
    EXPECT_EQ(history_table({}, history_t0, eta, "no upgrades in the history"),
              "no upgrades in the history\n");
}

const std::string current_date = "2025-03-24T17:09:41+09:00";
const std::string past_date = "2025-01-10T10:00:00+09:00";
const wall_time past_start = std::chrono::sys_days{std::chrono::year{2025} / 1 / 10} + 1h;

// An event of the upgrade started at `action_date`, as the daemon commits it.
event upgrade_event(event_type type, const std::string& action_date, wall_time at,
                    const std::string& host = "", const std::string& to = "") {
    event e;
    e.type = type;
    e.occurred_at = at;
    e.cluster = {"prod-logs", "1037001", "KR"};
    if (action_date == past_date)  // 2130 -> 2140, one node
        e.upgrade = upgrade_info{"2130", "2140", action_date, 1, 0, past_start};
    else
        e.upgrade = upgrade_info{"2140", "2150", action_date, 2, 0, history_t0};
    if (!host.empty())
        e.node = node_info{host, "DO", to, to == "complete" ? "Upgrade_OpenSearch" : "running", at};
    e.id = action_date + std::string(to_string(type)) + host + to;
    return e;
}

std::string current_id() {
    return state::upgrade_id("1037001", current_date, "2150");
}

state::batch batch_of(std::vector<event> events) {
    state::batch b;
    for (auto& e : events)
        b.events.push_back({std::move(e), {}});
    return b;
}

// What the daemon commits after its first poll of the upgrade in progress: the tracker's
// events and state, under the history id the daemon gives it. Two DO nodes, neither started.
state::batch first_poll_of_current() {
    monitor::tracker t({"prod-logs", "1037001", "KR"}, {}, {});
    snapshot s;
    s.cluster_name = "prod-logs";
    s.node_count = 2;
    s.version = version_info{"2140", "2150", "2025-03-24 17:09:41",
                             common::parse_api_date("2025-03-24 17:09:41", 9h)};
    s.nodes = {{"do-1", "DO", "running", "", {}}, {"do-2", "DO", "running", "", {}}};
    auto result = t.observe(s, history_t0);
    auto b = batch_of(std::move(result.events));
    b.clusters.push_back({"1037001", "prod-logs", t.state(), current_id()});
    return b;
}

class history_command_test : public test::command_fixture {
  protected:
    history_command_test() : command_fixture("history", "eta:\n  node_prior: 30m\n") {}

    // A past upgrade of one node, which took 10 minutes, then the current one, both committed
    // by the store, which stays open.
    void write_history() {
        const wall_time past = past_start;  // 10:00 KST
        auto finished = upgrade_event(event_type::upgrade_finished, past_date, past + 10min);
        finished.upgrade->finished_at = past + 10min;
        finished.upgrade->nodes_complete = 1;
        commit_and_wait(batch_of(
            {upgrade_event(event_type::upgrade_started, past_date, past),
             upgrade_event(event_type::node_changed, past_date, past, "p-1", "Upgrade_OpenSearch"),
             upgrade_event(event_type::node_changed, past_date, past + 10min, "p-1", "complete"),
             finished}));
        commit_and_wait(first_poll_of_current());
    }
};

TEST_F(history_command_test, reads_a_running_daemons_wal_database_without_api_keys) {
    write_history();
    // The commits are in the WAL: nothing has checkpointed them into state.db yet.
    std::error_code ec;
    ASSERT_GT(std::filesystem::file_size(state_dir() / "state.db-wal", ec), 0u);

    const auto table = run("");
    EXPECT_EQ(table.exit_code, 0) << table.output;
    EXPECT_NE(table.output.find(current_id() + "  prod-logs  2140 → 2150  2025-03-24T08:09:41Z"),
              std::string::npos)
        << table.output;
    EXPECT_NE(table.output.find("finished     1/1"), std::string::npos) << table.output;

    const auto json = run("--format json");
    ASSERT_EQ(json.exit_code, 0) << json.output;
    rapidjson::Document doc;
    doc.Parse(json.output.c_str());
    ASSERT_FALSE(doc.HasParseError()) << json.output;
    const auto& upgrades = doc["upgrades"];
    ASSERT_EQ(upgrades.Size(), 2u);  // newest first
    EXPECT_EQ(upgrades[0]["id"].GetString(), current_id());
    EXPECT_STREQ(upgrades[0]["outcome"].GetString(), "in_progress");
    EXPECT_STREQ(upgrades[1]["outcome"].GetString(), "finished");
    EXPECT_EQ(upgrades[1]["duration_seconds"].GetInt64(), 600);
    EXPECT_TRUE(upgrades[1]["expected_finish"].IsNull());
    // Two nodes to go at the past upgrade's 10 minutes each (not eta.node_prior's 30).
    const auto now = common::parse_rfc3339(doc["now"].GetString());
    const auto expected = common::parse_rfc3339(upgrades[0]["expected_finish"].GetString());
    ASSERT_TRUE(now && expected) << json.output;
    EXPECT_EQ(*expected - *now, 20min);

    // The reader held nothing: the store goes on committing.
    commit_and_wait(batch_of({upgrade_event(event_type::node_changed, current_date,
                                            history_t0 + 1min, "do-1", "Upgrade_OpenSearch")}));
    EXPECT_EQ(run("--limit 1").output.find("finished"), std::string::npos);
}

TEST_F(history_command_test, bad_flags_are_exit_2_a_missing_state_db_exit_1) {
    expect_exit_1_without_state_db();
    EXPECT_EQ(run("--limit 0").exit_code, 2);
    EXPECT_EQ(run("--limit 1001").exit_code, 2);
    EXPECT_EQ(run("--format yaml").exit_code, 2);

    write_history();
    const auto other = run("--cluster other-logs");
    EXPECT_EQ(other.exit_code, 0) << other.output;
    EXPECT_EQ(other.output, "no upgrades of cluster other-logs in the history\n");
}

TEST_F(history_command_test, a_state_db_of_a_newer_version_is_exit_2_and_left_alone) {
    expect_exit_2_for_a_newer_schema();
}

}  // namespace
}  // namespace sesmon::cli
