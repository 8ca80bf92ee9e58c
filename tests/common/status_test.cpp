#include <gtest/gtest.h>

#include "sesmon/event.hpp"
#include "sesmon/snapshot.hpp"

namespace sesmon {
namespace {

TEST(status_test, statuses_classify_case_insensitively) {
    struct row {
        const char* status;
        node_phase phase;
    };
    const row rows[] = {
        {"running", node_phase::pending},
        {"RUNNING", node_phase::pending},
        {"Upgrade_OpenSearch", node_phase::upgrading},
        {"upgrade_dashboards", node_phase::upgrading},
        {"complete", node_phase::complete},
        {"Completed", node_phase::complete},
        {"Upgrade_Failed", node_phase::failed},
        {"ERROR", node_phase::failed},
        {"rollback_error", node_phase::failed},
        {"Upgrade_", node_phase::unknown},
        {"", node_phase::unknown},
        {"rebooting", node_phase::unknown},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(classify_status(r.status), r.phase) << r.status;
    }
}

TEST(status_test, upgrade_stage_keeps_the_received_case) {
    EXPECT_EQ(upgrade_stage("Upgrade_OpenSearch"), "OpenSearch");
    EXPECT_EQ(upgrade_stage("running"), "");
}

TEST(status_test, event_type_names_round_trip) {
    for (const event_type t : all_event_types) {
        EXPECT_EQ(parse_event_type(to_string(t)), t);
    }
    EXPECT_FALSE(parse_event_type("upgrade_exploded").has_value());
}

}  // namespace
}  // namespace sesmon
