#include "state/event_codec.hpp"

#include "state/store_fixture.hpp"

namespace sesmon::state::test {
namespace {

TEST(event_codec_test, every_field_round_trips) {
    auto e = store_fixture::make_event(event_type::upgrade_stalled, "node-a", "Upgrade_Plugin", 3);
    e.upgrade->finished_at = t0 + 1h;
    e.upgrade->expected_finish = t0 + 2h;
    e.stall = stall_info{"slower_than_peers", 2820, 120};
    e.error = "HTTP 503 \"quoted\"\n";
    e.cluster.labels = {{"team", "search"}, {"owner", "\uac80\uc0c9\ud300"}};
    EXPECT_EQ(decode_event(encode_event(e)), e);
}

TEST(event_codec_test, the_opensearch_view_of_a_stall_round_trips) {
    auto e = store_fixture::make_event(event_type::recovery_stuck);
    cluster_insight c;
    c.current = true;
    c.read_at = t0 + 30min;
    c.health = "yellow";
    c.shards = {3, 1, 2};
    c.recoveries = {3, 41.5};
    c.node_in_cluster = false;
    c.nodes_absent = {"a", "b"};
    e.stall = stall_info{"recovery_stuck", 900, 0, c};
    EXPECT_EQ(decode_event(encode_event(e)), e);
    cluster_insight down;
    down.error = "OpenSearch unreachable: reset";
    e.stall->cluster = down;
    EXPECT_EQ(decode_event(encode_event(e)), e);
}

// Rows written before labels existed (and events of clusters without labels) have none.
TEST(event_codec_test, an_event_without_labels_reads_with_none) {
    const auto e = store_fixture::make_event(event_type::upgrade_started);
    ASSERT_TRUE(e.cluster.labels.empty());
    const std::string text = encode_event(e);
    EXPECT_EQ(text.find("labels"), std::string::npos) << "nothing stored for no labels";
    const auto back = decode_event(text);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->cluster.labels.empty());
}

TEST(event_codec_test, absent_parts_stay_absent) {
    auto e = store_fixture::make_event(event_type::monitor_blind);
    e.upgrade.reset();
    const auto back = decode_event(encode_event(e));
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->upgrade);
    EXPECT_FALSE(back->node);
    EXPECT_FALSE(back->stall);
    EXPECT_FALSE(back->error);
    EXPECT_EQ(*back, e);
}

TEST(event_codec_test, the_stored_form_is_not_the_webhook_schema) {
    const auto text = encode_event(store_fixture::make_event(event_type::upgrade_started));
    EXPECT_EQ(text.find("ses-upgrade-monitor/v1"), std::string::npos);
    EXPECT_NE(text.find("\"format\":1"), std::string::npos);
}

TEST(event_codec_test, anything_else_is_refused) {
    for (std::string_view bad : {"", "{", "[]", "{\"format\":2,\"id\":\"x\"}",
                                 "{\"format\":1,\"id\":\"x\",\"type\":\"nope\",\"occurred_at\":1,"
                                 "\"cluster\":{}}",
                                 "{\"format\":1,\"type\":\"monitor_blind\",\"occurred_at\":1,"
                                 "\"cluster\":{}}"}) {
        EXPECT_FALSE(decode_event(bad)) << bad;
    }
}

}  // namespace
}  // namespace sesmon::state::test
