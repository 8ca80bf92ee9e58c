// The OpenSearch answers the view reads (src/opensearch/parsers.hpp): the shapes versions and
// settings give, and what is refused.
#include "opensearch/parsers.hpp"

#include <gtest/gtest.h>

namespace sesmon::opensearch {
namespace {

TEST(opensearch_parsers_test, health_gives_status_and_shard_counts) {
    cluster_reading r;
    std::string error;
    ASSERT_TRUE(parse_health(R"({"cluster_name":"x","status":"YELLOW","number_of_nodes":3,
        "relocating_shards":1,"initializing_shards":"2","unassigned_shards":5,"timed_out":false})",
                             r, error))
        << error;
    EXPECT_EQ(r.health, "yellow");
    EXPECT_EQ(r.number_of_nodes, 3);
    EXPECT_EQ(r.shards, (shard_counts{2, 1, 5}));

    cluster_reading missing;
    ASSERT_TRUE(parse_health(R"({"status":"green"})", missing, error));
    EXPECT_EQ(missing.shards, shard_counts{});
}

TEST(opensearch_parsers_test, health_without_a_known_status_is_an_error) {
    cluster_reading r;
    std::string error;
    EXPECT_FALSE(parse_health(R"({"status":"purple"})", r, error));
    EXPECT_EQ(error, "_cluster/health: no green/yellow/red status in the answer");
    EXPECT_FALSE(parse_health("<html>gateway</html>", r, error));
    EXPECT_EQ(error, "_cluster/health: the answer is not JSON");
    EXPECT_FALSE(parse_health("[]", r, error));
    EXPECT_EQ(error, "_cluster/health: expected a JSON object");
}

TEST(opensearch_parsers_test, cat_nodes_takes_long_and_short_column_names) {
    std::vector<opensearch_node> nodes;
    std::string error;
    ASSERT_TRUE(parse_cat_nodes(
        R"([{"name":"a","version":"2.15.0"},{"n":"b","v":"2.14.0"},{"version":"x"},7])", nodes,
        error));
    EXPECT_EQ(nodes, (std::vector<opensearch_node>{{"a", "2.15.0"}, {"b", "2.14.0"}}));
    EXPECT_FALSE(parse_cat_nodes(R"({"name":"a"})", nodes, error));
    EXPECT_EQ(error, "_cat/nodes: expected a JSON list (format=json)");
}

TEST(opensearch_parsers_test, cat_recovery_reads_text_numbers_percentages_and_units) {
    std::vector<shard_recovery> r;
    std::string error;
    ASSERT_TRUE(parse_cat_recovery(R"([
        {"index":"logs","shard":"0","stage":"INDEX","target_node":"n1","bytes_percent":"43.2%",
         "bytes_recovered":"1.5kb","bytes_total":"3kb","files_recovered":"4",
         "translog_ops_recovered":"0"},
        {"i":"logs","s":1,"st":"translog","tnode":"n2","bp":100,"br":10,"tb":10},
        {"index":"old","shard":"2","stage":"done","bytes_percent":"100.0%"}])",
                                   r, error))
        << error;
    ASSERT_EQ(r.size(), 2u);  // the `done` one is left out
    EXPECT_EQ(r[0].index, "logs");
    EXPECT_EQ(r[0].stage, "index");
    EXPECT_EQ(r[0].target_node, "n1");
    EXPECT_DOUBLE_EQ(r[0].bytes_percent, 43.2);
    EXPECT_EQ(r[0].bytes_recovered, 1536);
    EXPECT_EQ(r[0].bytes_total, 3072);
    EXPECT_EQ(r[0].files_recovered, 4);
    EXPECT_EQ(r[1].shard, "1");
    EXPECT_EQ(r[1].target_node, "n2");
    EXPECT_EQ(r[1].bytes_total, 10);
    EXPECT_TRUE(parse_cat_recovery("[]", r, error));
    EXPECT_TRUE(r.empty());
}

TEST(opensearch_parsers_test, snapshots_in_each_listing_shape) {
    std::vector<snapshot_entry> s;
    std::string error;
    ASSERT_TRUE(parse_snapshots(R"([
        {"id":"a","repository":"r","status":"SUCCESS","start_epoch":"1700000000","end_epoch":"1700000100"},
        {"id":"b","repository":"r","status":"FAILED","end_epoch":"1700009999"}])",
                                s, error));
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].end, wall_time(std::chrono::seconds(1700000100)));
    EXPECT_EQ(latest_successful(s)->id, "a");  // the newer one failed

    ASSERT_TRUE(parse_snapshots(R"({"responses":[{"repository":"r1","snapshots":[
        {"snapshot":"x","state":"SUCCESS","end_time_in_millis":1700000200000}]},
        {"repository":"r2","error":{"type":"repository_exception"}}]})",
                                s, error));
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].repository, "r1");
    EXPECT_EQ(s[0].end, wall_time(std::chrono::seconds(1700000200)));

    ASSERT_TRUE(parse_snapshots(R"({"snapshots":[{"snapshot":"y","state":"PARTIAL",
        "end_time_in_millis":1700000300000}],"total":1})",
                                s, error));
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].status, "PARTIAL");
    EXPECT_FALSE(latest_successful(s));  // a partial snapshot does not count

    EXPECT_FALSE(parse_snapshots(R"({"acknowledged":true})", s, error));
    EXPECT_EQ(error, "snapshots: neither \"snapshots\" nor \"responses\" in the answer");
}

}  // namespace
}  // namespace sesmon::opensearch
