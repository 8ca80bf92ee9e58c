// group_codec: the keys of an HA group and the JSON of their values, round trips and what
// does not read.
#include "state/group_codec.hpp"

#include "monitor/cluster_state_json.hpp"

#include "store_fixture.hpp"

namespace sesmon::state::test {
namespace {

const group::keys keys{"/ses/prod"};

TEST(group_codec_test, keys_under_the_prefix) {
    EXPECT_EQ(keys.leader(), "/ses/prod/leader");
    EXPECT_EQ(keys.cluster("1037001"), "/ses/prod/clusters/1037001");
    EXPECT_EQ(keys.node("1037001", 3), "/ses/prod/nodes/1037001/00003");
    EXPECT_EQ(keys.chunk("1037001", 12), "/ses/prod/emitted/1037001/0000000012");
    EXPECT_EQ(keys.event(42), "/ses/prod/events/00000000000000000042");
    EXPECT_EQ(keys.discovered("1037001"), "/ses/prod/discovered/1037001");
    EXPECT_LT(keys.event(9), keys.event(10));  // keys sort as the numbers do
    EXPECT_LT(keys.node("1", 9), keys.node("1", 10));
    EXPECT_LT(keys.chunk("1", 9), keys.chunk("1", 10));
}

TEST(group_codec_test, parse_tells_what_a_key_is) {
    using kind = group::keys::parsed::kind;
    EXPECT_EQ(keys.parse("/ses/prod/leader").what, kind::leader);
    const auto c = keys.parse("/ses/prod/clusters/1037001");
    EXPECT_EQ(c.what, kind::cluster);
    EXPECT_EQ(c.instance_no, "1037001");
    const auto e = keys.parse("/ses/prod/events/00000000000000000042");
    EXPECT_EQ(e.what, kind::event);
    EXPECT_EQ(e.number, 42);
    const auto n = keys.parse(keys.node("1037001", 7));
    EXPECT_EQ(n.what, kind::node);
    EXPECT_EQ(n.instance_no, "1037001");
    EXPECT_EQ(n.number, 7);
    const auto k = keys.parse(keys.chunk("1037001", 3));
    EXPECT_EQ(k.what, kind::chunk);
    EXPECT_EQ(k.instance_no, "1037001");
    EXPECT_EQ(k.number, 3);
    const auto d = keys.parse(keys.discovered("1037001"));
    EXPECT_EQ(d.what, kind::discovered);
    EXPECT_EQ(d.instance_no, "1037001");
    for (const char* other :
         {"/ses/prod/events/4x", "/ses/prod/events/", "/ses/prod/clusters/", "/ses/other/leader",
          "/ses/prod/leaderx", "/ses/prod", "/ses/prod/nodes/1037001", "/ses/prod/nodes/1/x",
          "/ses/prod/emitted//3", "/ses/prod/nodes/1/-1"})
        EXPECT_EQ(keys.parse(other).what, kind::other) << other;
}

TEST(group_codec_test, a_head_holds_the_state_without_nodes_and_ids_and_says_where_they_are) {
    cluster_record c{"1037001", "prod-logs", store_fixture::state_with("id-1"), "0123abcd"};
    const std::string text = group::encode_head(c, {1, 64, 1});
    EXPECT_EQ(text.find("node-a"), std::string::npos);
    EXPECT_EQ(text.find("id-1"), std::string::npos);
    EXPECT_EQ(text.find('\n'), std::string::npos);  // compact
    std::string error;
    const auto back = group::decode_head("1037001", text, error);
    ASSERT_TRUE(back) << error;
    EXPECT_FALSE(back->whole);
    EXPECT_EQ(back->layout, (group::cluster_layout{1, 64, 1}));
    EXPECT_EQ(back->record.name, "prod-logs");
    EXPECT_EQ(back->record.history_id, "0123abcd");
    auto expected = c.state;
    expected.emitted.clear();
    expected.upgrade->nodes.clear();
    EXPECT_EQ(back->record.state, expected);
    EXPECT_FALSE(group::decode_head("999", text, error));
    EXPECT_EQ(error, "written for instance 1037001");
}

TEST(group_codec_test, a_format_1_record_of_an_older_release_reads_as_a_whole_head) {
    const auto state = store_fixture::state_with("id-1");
    const std::string v1 = R"({"format":1,"name":"prod-logs","state":)" +
                           monitor::to_json(state, "1037001") + R"(,"history_id":"ab"})";
    std::string error;
    const auto back = group::decode_head("1037001", v1, error);
    ASSERT_TRUE(back) << error;
    EXPECT_TRUE(back->whole);
    EXPECT_EQ(back->record.state, state);
    EXPECT_EQ(back->record.history_id, "ab");
}

TEST(group_codec_test, nodes_chunks_and_discovered_clusters_round_trip) {
    const auto node = store_fixture::state_with("x").upgrade->nodes.at(0);
    std::string error;
    const auto n = group::decode_node(group::encode_node(node), error);
    ASSERT_TRUE(n) << error;
    EXPECT_EQ(*n, node);
    const group::emitted_chunk chunk{33, {"a", "b"}};
    EXPECT_EQ(group::decode_chunk(group::encode_chunk(chunk), error), chunk);
    const discovered_record d{"1037001", "KR", "Prod Logs", "prod-logs", 1};
    EXPECT_EQ(group::decode_discovered("1037001", group::encode_discovered(d), error), d);
}

TEST(group_codec_test, event_round_trip_with_its_deliveries) {
    group::stored_event e;
    e.seq = 7;
    e.event = store_fixture::make_event(event_type::node_changed, "node-a", "Upgrade_OpenSearch");
    e.stored_at = t0;
    e.deliveries = {{"slack", delivery_status::delivered, 1, std::nullopt, "", t0 + 2s},
                    {"pager", delivery_status::pending, 3, t0 + 60s, "HTTP 503", t0 + 5s}};
    std::string error;
    const auto back = group::decode_event(7, group::encode_event(e), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, e);
    EXPECT_FALSE(back->finished());
    e.deliveries[1].status = delivery_status::dead;
    EXPECT_TRUE(e.finished());
    EXPECT_EQ(e.finished_at(), t0 + 5s);
    e.deliveries.clear();
    EXPECT_TRUE(e.finished());  // nobody to deliver to: history only
    EXPECT_EQ(e.finished_at(), t0);
}

TEST(group_codec_test, values_that_do_not_read_say_why) {
    std::string error;
    for (const char* text :
         {"", "[]", "{}", R"({"format":3})", R"({"format":1})",
          R"({"format":1,"name":"x","state":{"format":99}})",
          R"({"format":2,"name":"x","state":{"format":1,"instance_no":"1","upgrade":null,)"
          R"("blind":{"open":false,"number":0,"last_success":null,"first_failure":null,)"
          R"("last_error":"","opened_at":null},"emitted":[],"unknown_statuses":[]}})"}) {
        EXPECT_FALSE(group::decode_head("1", text, error)) << text;
        EXPECT_FALSE(error.empty()) << text;
    }
    for (const char* text : {"", R"({"format":2,"from":-1,"ids":[]})", R"({"format":2,"ids":[]})",
                             R"({"format":2,"from":0,"ids":[1]})"})
        EXPECT_FALSE(group::decode_chunk(text, error)) << text;
    for (const char* text : {"", R"({"format":2,"region":"KR"})", R"({"hostname":1})"}) {
        EXPECT_FALSE(group::decode_discovered("1", text, error)) << text;
        EXPECT_FALSE(group::decode_node(text, error)) << text;
    }
    for (const char* text : {R"({"format":1,"stored_at":1,"event":{},"deliveries":[]})",
                             R"({"format":1,"stored_at":"x","event":{},"deliveries":[]})",
                             R"({"format":1,"stored_at":1,"deliveries":[]})"}) {
        EXPECT_FALSE(group::decode_event(1, text, error)) << text;
    }
    group::stored_event e;
    e.event = store_fixture::make_event(event_type::upgrade_started);
    e.deliveries = {{"slack", delivery_status::pending, 0, {}, "", t0}};
    std::string text = group::encode_event(e);
    const auto at = text.find("\"pending\"");
    text.replace(at, 9, "\"lost\"");
    EXPECT_FALSE(group::decode_event(1, text, error));
    EXPECT_EQ(error, "a delivery does not read");
}

}  // namespace
}  // namespace sesmon::state::test
