#include "monitor/cluster_state_json.hpp"

#include <gtest/gtest.h>

#include "tracker_fixture.hpp"

namespace sesmon::monitor {
namespace {

using namespace testing;
using namespace std::chrono_literals;

// A state with every field set to something other than its default.
cluster_state rich_state() {
    tracker t(test_cluster(), test_options());
    t.observe(three("Upgrade_OpenSearch", "Maintenance", "running"), at(0min));
    t.observe(snap_builder().node("a", "complete", at(2min)).node("b", "fail").count(4), at(3min));
    t.tick(at(70min));
    t.poll_failed(auth_error(), at(71min));
    t.poll_failed(auth_error(), at(90min));
    cluster_state s = t.state();
    s.upgrade->finished_at = at(99min);
    s.upgrade->ended_at = at(100min);
    s.upgrade->absent_polls = 1;
    return s;
}

TEST(cluster_state_json_test, round_trip_is_lossless) {
    const cluster_state s = rich_state();
    ASSERT_TRUE(s.upgrade);
    ASSERT_TRUE(s.upgrade->stall.open);
    ASSERT_TRUE(s.blind.open);
    ASSERT_FALSE(s.unknown_statuses.empty());
    std::string error;
    const auto parsed = cluster_state_from_json(to_json(s, "1037001"), error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->instance_no, "1037001");
    EXPECT_EQ(parsed->state, s);
}

TEST(cluster_state_json_test, empty_state_round_trips) {
    std::string error;
    const auto parsed = cluster_state_from_json(to_json(cluster_state{}, "1"), error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->state, cluster_state{});
}

TEST(cluster_state_json_test, document_carries_the_format_version) {
    const std::string json = to_json(cluster_state{}, "1");
    EXPECT_NE(json.find("\"format\": 1"), std::string::npos) << json;
}

TEST(cluster_state_json_test, rejects_invalid_inputs_with_a_reason) {
    const std::string good = to_json(rich_state(), "1037001");
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"", "invalid JSON"},
        {good.substr(0, good.size() / 2), "invalid JSON"},
        {"[]", "not a JSON object"},
        {R"({"format": 2, "instance_no": "1"})", "unsupported format 2"},
        {R"({"instance_no": "1"})", "missing field \"format\""},
        {R"({"format": 1, "instance_no": "1", "upgrade": 5})", "\"upgrade\""},
    };
    for (const auto& [text, reason] : bad) {
        std::string error;
        EXPECT_FALSE(cluster_state_from_json(text, error)) << text;
        EXPECT_NE(error.find(reason), std::string::npos) << error;
    }
    std::string mistyped = good;
    mistyped.replace(mistyped.find("\"since\": \"") + 10, 4, "20x5");
    std::string error;
    EXPECT_FALSE(cluster_state_from_json(mistyped, error));
    EXPECT_NE(error.find("RFC 3339"), std::string::npos) << error;
}

}  // namespace
}  // namespace sesmon::monitor
