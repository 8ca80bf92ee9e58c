#include "monitor/event_id.hpp"

#include <gtest/gtest.h>

namespace sesmon::monitor {
namespace {

event_key sample() {
    return event_key{.instance_no = "1037",
                     .action_date = "2025-03-24 17:09:41",
                     .target_version = "2150",
                     .type = event_type::node_changed,
                     .hostname = "n1",
                     .status = "complete",
                     .episode = 1};
}

TEST(event_id_test, is_64_lower_hex_and_deterministic) {
    const std::string id = make_event_id(sample());
    ASSERT_EQ(id.size(), 64u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(id, make_event_id(sample()));
}

TEST(event_id_test, every_field_changes_the_id) {
    const std::string base = make_event_id(sample());
    auto k = sample();
    k.instance_no = "1038";
    EXPECT_NE(make_event_id(k), base);
    k = sample();
    k.action_date = "2025-03-24 17:09:42";
    EXPECT_NE(make_event_id(k), base);
    k = sample();
    k.target_version = "2160";
    EXPECT_NE(make_event_id(k), base);
    k = sample();
    k.type = event_type::upgrade_failed;
    EXPECT_NE(make_event_id(k), base);
    k = sample();
    k.hostname = "n2";
    EXPECT_NE(make_event_id(k), base);
    k = sample();
    k.status = "completed";
    EXPECT_NE(make_event_id(k), base);
    k = sample();
    k.episode = 2;
    EXPECT_NE(make_event_id(k), base);
}

TEST(event_id_test, field_boundaries_are_unambiguous) {
    auto a = sample();
    a.hostname = "ab";
    a.status = "c";
    auto b = sample();
    b.hostname = "a";
    b.status = "bc";
    EXPECT_NE(make_event_id(a), make_event_id(b));
}

}  // namespace
}  // namespace sesmon::monitor
