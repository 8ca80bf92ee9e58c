#include "monitor/summary.hpp"

#include <gtest/gtest.h>

namespace sesmon::monitor {
namespace {

using namespace std::chrono_literals;

event with_upgrade(event_type type) {
    event e;
    e.type = type;
    e.cluster = {"prod-logs", "1037001", "KR"};
    upgrade_info u;
    u.from_version = "2140";
    u.to_version = "2150";
    u.nodes_total = 8;
    u.nodes_complete = 5;
    e.upgrade = u;
    return e;
}

TEST(summary_test, vanished_names_versions_and_progress) {
    EXPECT_EQ(summarize(with_upgrade(event_type::upgrade_vanished)),
              "prod-logs: upgrade disappeared from the API before finishing (2140 → 2150, 5/8 "
              "nodes done)");
}

TEST(summary_test, events_without_an_upgrade_have_no_progress_suffix) {
    event e = with_upgrade(event_type::monitor_blind);
    e.upgrade.reset();
    e.error = "HTTP 503 from api.example";
    EXPECT_EQ(summarize(e, 15min),
              "prod-logs: no successful poll for 15m: HTTP 503 from api.example");
    e.error.reset();
    EXPECT_EQ(summarize(e, 15min), "prod-logs: no successful poll for 15m");
}

TEST(summary_test, finished_without_times_omits_the_duration) {
    EXPECT_EQ(summarize(with_upgrade(event_type::upgrade_finished)),
              "prod-logs: upgrade finished (2140 → 2150, 5/8 nodes done)");
}

}  // namespace
}  // namespace sesmon::monitor
