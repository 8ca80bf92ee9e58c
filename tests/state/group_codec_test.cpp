// group_codec: the keys of an HA group and the JSON of their values, round trips and what
// does not read.
#include "state/group_codec.hpp"

#include "store_fixture.hpp"

namespace sesmon::state::test {
namespace {

const group::keys keys{"/ses/prod"};

TEST(group_codec_test, keys_under_the_prefix) {
    EXPECT_EQ(keys.leader(), "/ses/prod/leader");
    EXPECT_EQ(keys.cluster("1037001"), "/ses/prod/clusters/1037001");
    EXPECT_EQ(keys.event(42), "/ses/prod/events/00000000000000000042");
    EXPECT_LT(keys.event(9), keys.event(10));  // keys sort as the numbers do
}

TEST(group_codec_test, parse_tells_what_a_key_is) {
    using kind = group::keys::parsed::kind;
    EXPECT_EQ(keys.parse("/ses/prod/leader").what, kind::leader);
    const auto c = keys.parse("/ses/prod/clusters/1037001");
    EXPECT_EQ(c.what, kind::cluster);
    EXPECT_EQ(c.instance_no, "1037001");
    const auto e = keys.parse("/ses/prod/events/00000000000000000042");
    EXPECT_EQ(e.what, kind::event);
    EXPECT_EQ(e.seq, 42);
    for (const char* other : {"/ses/prod/events/4x", "/ses/prod/events/", "/ses/prod/clusters/",
                              "/ses/other/leader", "/ses/prod/leaderx", "/ses/prod"})
        EXPECT_EQ(keys.parse(other).what, kind::other) << other;
}

TEST(group_codec_test, cluster_round_trip_and_instance_check) {
    const cluster_record c{"1037001", "prod-logs", store_fixture::state_with("id-1")};
    std::string error;
    const auto back = group::decode_cluster("1037001", group::encode_cluster(c), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->name, "prod-logs");
    EXPECT_EQ(back->state, c.state);
    EXPECT_FALSE(group::decode_cluster("999", group::encode_cluster(c), error));
    EXPECT_EQ(error, "written for instance 1037001");
}

TEST(group_codec_test, a_clusters_history_id_goes_with_it_to_every_members_history) {
    cluster_record c{"1037001", "prod-logs", store_fixture::state_with("id-1")};
    std::string error;
    EXPECT_EQ(group::decode_cluster("1037001", group::encode_cluster(c), error)->history_id, "");
    c.history_id = "0123456789abcdef";
    const auto back = group::decode_cluster("1037001", group::encode_cluster(c), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->history_id, "0123456789abcdef");
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
    for (const char* text : {"", "[]", "{}", R"({"format":2})", R"({"format":1})",
                             R"({"format":1,"name":"x","state":{"format":99}})"}) {
        EXPECT_FALSE(group::decode_cluster("1", text, error)) << text;
        EXPECT_FALSE(error.empty()) << text;
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
