// `ses-upgrade-monitor deliveries`: the view (table, JSON) and the built binary reading a
// state.db that a real store wrote.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cli/command_fixture.hpp"
#include "cli/deliveries_view.hpp"

namespace sesmon::cli {
namespace {

using namespace std::chrono_literals;
const wall_time t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 20h;

event sample(const std::string& id, event_type type, const std::string& node = "") {
    event e;
    e.id = id;
    e.type = type;
    e.occurred_at = t0;
    e.summary = "prod-logs: something";
    e.cluster = {"prod-logs", "1037001", "KR"};
    if (!node.empty())
        e.node = node_info{node, "DO", "Upgrade_OpenSearch", "running", t0};
    return e;
}

// A stall alert to Slack, waiting for its fourth attempt after three 503s.
state::delivery_record pending_stall() {
    return {"ops-slack",
            1,
            sample("a1", event_type::upgrade_stalled, "n-1"),
            state::delivery_status::pending,
            3,
            t0 + 90s,
            "HTTP 503",
            t0};
}

TEST(deliveries_view_test, the_table_has_one_row_per_delivery) {
    const state::delivery_record pending = pending_stall();
    state::delivery_record dead{"pager",
                                2,
                                sample("b2", event_type::upgrade_failed),
                                state::delivery_status::dead,
                                1,
                                {},
                                "HTTP 400",
                                t0};
    const std::string table = deliveries_table({pending, dead});
    EXPECT_EQ(table,
              "NOTIFIER   STATUS   CLUSTER    EVENT            NODE  ATTEMPTS  NEXT ATTEMPT        "
              "  LAST ERROR  OCCURRED\n"
              "ops-slack  pending  prod-logs  upgrade_stalled  n-1   3         2026-11-26T20:01:30Z"
              "  HTTP 503    2026-11-26T20:00:00Z\n"
              "pager      dead     prod-logs  upgrade_failed   -     1         -                   "
              "  HTTP 400    2026-11-26T20:00:00Z\n");
    EXPECT_EQ(deliveries_table({}), "no deliveries\n");
}

TEST(deliveries_view_test, json_carries_the_event_and_the_delivery) {
    const state::delivery_record pending = pending_stall();
    rapidjson::Document doc;
    doc.Parse(deliveries_json({pending}).c_str());
    ASSERT_FALSE(doc.HasParseError());
    const auto& d = doc["deliveries"][0];
    EXPECT_STREQ(d["notifier"].GetString(), "ops-slack");
    EXPECT_STREQ(d["status"].GetString(), "pending");
    EXPECT_EQ(d["attempts"].GetInt(), 3);
    EXPECT_STREQ(d["next_attempt"].GetString(), "2026-11-26T20:01:30Z");
    EXPECT_STREQ(d["last_error"].GetString(), "HTTP 503");
    EXPECT_STREQ(d["event"]["id"].GetString(), "a1");
    EXPECT_STREQ(d["event"]["type"].GetString(), "upgrade_stalled");
    EXPECT_STREQ(d["event"]["node"].GetString(), "n-1");
    EXPECT_TRUE(deliveries_json({}) == R"({"deliveries":[]})");
}

class deliveries_command_test : public test::command_fixture {
  protected:
    deliveries_command_test() : command_fixture("deliveries") {}

    // A store that has committed two events for two notifiers, one delivered, one dead.
    void write_state() {
        state::batch b;
        b.events.push_back({sample("a1", event_type::upgrade_started), {"hook", "pager"}});
        b.events.push_back({sample("b2", event_type::upgrade_failed, "n-1"), {"hook"}});
        commit_and_wait(std::move(b));
        store().record({"pager", "a1", state::delivery_status::delivered, 1, {}, "", t0});
        store().record({"hook", "b2", state::delivery_status::dead, 2, {}, "HTTP 410", t0});
        close_store();
    }
};

TEST_F(deliveries_command_test, lists_pending_and_dead_without_api_keys) {
    write_state();
    const auto all = run("");
    EXPECT_EQ(all.exit_code, 0) << all.output;
    EXPECT_NE(all.output.find("hook      pending  prod-logs  upgrade_started"), std::string::npos)
        << all.output;
    EXPECT_NE(all.output.find("hook      dead     prod-logs  upgrade_failed   n-1   2"),
              std::string::npos)
        << all.output;
    EXPECT_EQ(all.output.find("pager"), std::string::npos) << "delivered rows are not listed";

    const auto pending = run("--pending --format json");
    EXPECT_EQ(pending.exit_code, 0) << pending.output;
    rapidjson::Document doc;
    doc.Parse(pending.output.c_str());
    ASSERT_FALSE(doc.HasParseError()) << pending.output;
    ASSERT_EQ(doc["deliveries"].Size(), 1u);
    EXPECT_STREQ(doc["deliveries"][0]["event"]["id"].GetString(), "a1");

    const auto dead = run("--dead");
    EXPECT_NE(dead.output.find("HTTP 410"), std::string::npos) << dead.output;
    EXPECT_EQ(dead.output.find("pending"), std::string::npos) << dead.output;
}

TEST_F(deliveries_command_test, no_state_db_is_exit_1_and_a_bad_flag_exit_2) {
    expect_exit_1_without_state_db();
    EXPECT_EQ(run("--pending --dead").exit_code, 2);
    EXPECT_EQ(run("--format yaml").exit_code, 2);
}

TEST_F(deliveries_command_test, a_state_db_of_a_newer_version_is_exit_2_and_left_alone) {
    expect_exit_2_for_a_newer_schema();
}

}  // namespace
}  // namespace sesmon::cli
