#include "monitor/event_id.hpp"

#include <gtest/gtest.h>

#include <vector>

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
    const std::vector<void (*)(event_key&)> edits = {
        [](event_key& k) { k.instance_no = "1038"; },
        [](event_key& k) { k.action_date = "2025-03-24 17:09:42"; },
        [](event_key& k) { k.target_version = "2160"; },
        [](event_key& k) { k.type = event_type::upgrade_failed; },
        [](event_key& k) { k.hostname = "n2"; },
        [](event_key& k) { k.status = "completed"; },
        [](event_key& k) { k.episode = 2; },
    };
    for (std::size_t i = 0; i < edits.size(); ++i) {
        event_key k = sample();
        edits[i](k);
        EXPECT_NE(make_event_id(k), base) << "edit " << i;
    }
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
