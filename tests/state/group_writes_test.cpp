// group_writes and group_image: what the leader writes for a cluster's new state (only what
// changed), and how a reader assembles it again — through a fake etcd keyspace (a map) that
// applies the writes as etcd would.
#include "state/group_writes.hpp"

#include <map>

#include "monitor/cluster_state_json.hpp"
#include "state/group_image.hpp"
#include "store_fixture.hpp"

namespace sesmon::state::test {
namespace {

const group::keys write_keys{"/g"};

// A keyspace that applies write_ops as a transaction would, and feeds a group_image.
class keyspace {
  public:
    // Applies `w` (parts, then the head) and returns how many keys it put.
    std::size_t apply(const group::cluster_writes& w) {
        std::size_t puts = 0;
        for (const auto& op : w.parts)
            puts += apply(op);
        if (w.head)
            puts += apply(*w.head);
        return puts;
    }
    std::size_t apply(const group::write_op& op) {
        if (op.value) {
            kv_[op.key] = *op.value;
            return 1;
        }
        if (op.range_end.empty()) {
            kv_.erase(op.key);
        } else {
            kv_.erase(kv_.lower_bound(op.key), kv_.lower_bound(op.range_end));
        }
        return 0;
    }
    group_image image() const {
        group_image out("/g");
        std::string problem;
        for (const auto& [k, v] : kv_) {
            out.put({k, v}, problem);
            EXPECT_EQ(problem, "") << k;
        }
        return out;
    }
    std::size_t count_under(const std::string& prefix) const {
        std::size_t n = 0;
        for (const auto& [k, v] : kv_)
            n += k.rfind(prefix, 0) == 0 ? 1 : 0;
        return n;
    }

  private:
    std::map<std::string, std::string> kv_;
};

cluster_record record_with(std::vector<std::string> ids, int nodes = 1) {
    auto state = store_fixture::state_with("");
    state.emitted = std::move(ids);
    auto node = state.upgrade->nodes.at(0);
    state.upgrade->nodes.clear();
    for (int i = 0; i < nodes; ++i) {
        node.hostname = "node-" + std::to_string(i);
        state.upgrade->nodes.push_back(node);
    }
    return {"1037001", "prod-logs", std::move(state)};
}

std::vector<std::string> ids(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i)
        out.push_back("id-" + std::to_string(i));
    return out;
}

class group_writes_test : public ::testing::Test {
  protected:
    // Plans `next` over what stands, applies it, and checks that a reader assembles it.
    group::cluster_writes write(cluster_record next) {
        const auto expected = next;
        auto w = group::plan_writes(write_keys, stored_ ? &*stored_ : nullptr, std::move(next));
        puts_ = etcd_.apply(w);
        const auto back = etcd_.image().cluster("1037001");
        EXPECT_TRUE(back);
        if (back) {
            EXPECT_EQ(back->record.state, expected.state);
            EXPECT_EQ(back->layout, w.after.layout);
            EXPECT_EQ(back->head, w.after.head);
        }
        stored_ = w.after;
        return w;
    }

    keyspace etcd_;
    std::optional<group::stored_cluster> stored_;
    std::size_t puts_ = 0;
};

TEST_F(group_writes_test, a_new_cluster_is_written_whole_head_last) {
    const auto w = write(record_with(ids(0, 3), 2));
    EXPECT_EQ(puts_, 4u);  // 2 nodes, 1 chunk, the head
    ASSERT_TRUE(w.head);
    EXPECT_EQ(w.head->key, "/g/clusters/1037001");
    EXPECT_EQ(w.after.layout, (group::cluster_layout{2, 0, 3}));
}

TEST_F(group_writes_test, the_same_state_again_writes_nothing_and_last_seen_alone_is_no_change) {
    auto r = record_with(ids(0, 3), 2);
    write(r);
    for (auto& n : r.state.upgrade->nodes)
        n.last_seen += std::chrono::seconds(10);
    auto w = group::plan_writes(write_keys, &*stored_, r);
    EXPECT_TRUE(w.parts.empty());
    EXPECT_FALSE(w.head);
}

TEST_F(group_writes_test, a_node_change_rewrites_that_node_one_chunk_and_the_head) {
    auto r = record_with(ids(0, 40), 8);
    write(r);
    r.state.upgrade->nodes[5].status = "Upgrade_Complete";
    r.state.upgrade->nodes[5].changes = 1;
    r.state.emitted.push_back("id-40");
    const auto w = write(r);
    EXPECT_EQ(puts_, 3u);
    ASSERT_EQ(w.parts.size(), 2u);
    EXPECT_EQ(w.parts[0].key, write_keys.node("1037001", 5));
    EXPECT_EQ(w.parts[1].key, write_keys.chunk("1037001", 1));  // ids 32..40
    std::string error;
    EXPECT_EQ(group::decode_chunk(*w.parts[1].value, error)->from, 32);
}

TEST_F(group_writes_test, ids_dropped_from_the_front_delete_whole_chunks_below_the_window) {
    write(record_with(ids(0, 100)));
    EXPECT_EQ(etcd_.count_under("/g/emitted/"), 4u);  // chunks 0..3
    // The tracker's cap: the oldest 70 dropped, 5 appended.
    const auto w = write(record_with(ids(70, 105)));
    EXPECT_EQ(w.after.layout.emitted_base, 70);
    EXPECT_EQ(w.after.layout.emitted_count, 35);
    EXPECT_EQ(etcd_.count_under("/g/emitted/"), 2u);  // chunks 2 (ids 64..95) and 3
    EXPECT_EQ(puts_, 2u);                             // chunk 3 and the head
}

TEST_F(group_writes_test, a_new_upgrade_starts_a_new_window_and_drops_the_old_parts) {
    write(record_with(ids(0, 40), 8));
    const auto w = write(record_with({"new-0", "new-1"}, 3));
    EXPECT_EQ(w.after.layout, (group::cluster_layout{3, 64, 2}));  // the next chunk boundary
    EXPECT_EQ(etcd_.count_under("/g/emitted/"), 1u);
    EXPECT_EQ(etcd_.count_under("/g/nodes/"), 3u);
    // And to nothing at all: no upgrade, no ids.
    auto none = record_with({}, 0);
    none.state.upgrade.reset();
    write(none);
    EXPECT_EQ(etcd_.count_under("/g/emitted/"), 0u);
    EXPECT_EQ(etcd_.count_under("/g/nodes/"), 0u);
}

TEST_F(group_writes_test, no_put_falls_into_a_deleted_range_of_the_same_plan) {
    write(record_with(ids(0, 50), 6));
    for (auto next : {record_with(ids(45, 60), 2), record_with({"x"}, 1), record_with(ids(0, 3))}) {
        const auto w = write(next);
        for (const auto& del : w.parts) {
            if (del.value || del.range_end.empty())
                continue;
            for (const auto& put : w.parts) {
                const bool inside = put.value && put.key >= del.key && put.key < del.range_end;
                EXPECT_FALSE(inside) << put.key;
            }
        }
    }
}

TEST_F(group_writes_test, parts_without_their_head_are_not_part_of_the_cluster) {
    write(record_with(ids(0, 3), 2));
    // A transaction that wrote a third node and more ids but never reached its head.
    auto r = record_with(ids(0, 5), 3);
    auto w = group::plan_writes(write_keys, &*stored_, r);
    for (const auto& op : w.parts)
        etcd_.apply(op);
    const auto back = etcd_.image().cluster("1037001");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->record.state, record_with(ids(0, 3), 2).state);
}

TEST_F(group_writes_test, a_missing_part_shortens_what_is_read_and_the_next_write_restores_it) {
    write(record_with(ids(0, 3), 3));
    etcd_.apply(group::write_op{write_keys.node("1037001", 1), std::nullopt, {}});
    const auto back = etcd_.image().cluster("1037001");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->layout.nodes, 1);
    EXPECT_EQ(back->head, "");  // what stands differs from the head: rewritten next time
    stored_ = back;
    write(record_with(ids(0, 3), 3));
    EXPECT_EQ(puts_, 3u);  // nodes 1 and 2, and the head
}

TEST_F(group_writes_test, a_whole_record_of_format_1_is_rewritten_as_parts) {
    keyspace etcd;
    const auto state = store_fixture::state_with("id-1");
    etcd.apply(group::write_op{
        write_keys.cluster("1037001"),
        R"({"format":1,"name":"prod-logs","state":)" + monitor::to_json(state, "1037001") + "}",
        {}});
    const auto old = etcd.image().cluster("1037001");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->record.state, state);
    const auto w = group::plan_writes(write_keys, &*old, old->record);
    etcd.apply(w);
    EXPECT_EQ(etcd.image().cluster("1037001")->record.state, state);
    EXPECT_EQ(etcd.count_under("/g/nodes/"), 1u);
    EXPECT_EQ(etcd.count_under("/g/emitted/"), 1u);
}

TEST(group_image_test, events_discovered_and_the_leader_come_and_go) {
    group_image image("/g");
    std::string problem;
    group::stored_event e;
    e.event = store_fixture::make_event(event_type::upgrade_started);
    e.stored_at = t0;
    image.put({write_keys.event(3), group::encode_event(e)}, problem);
    image.put({write_keys.discovered("1"), group::encode_discovered({"1", "KR", "a", "a", 0})},
              problem);
    image.put({write_keys.leader(), "mon-a"}, problem);
    image.put({write_keys.event(4), "garbage"}, problem);
    EXPECT_FALSE(problem.empty());
    EXPECT_EQ(image.events().size(), 1u);
    EXPECT_EQ(image.events().at(3).event.id, e.event.id);
    EXPECT_EQ(image.discovered().size(), 1u);
    EXPECT_EQ(image.leader()->value, "mon-a");
    image.remove(write_keys.event(3));
    image.remove(write_keys.discovered("1"));
    image.remove(write_keys.leader());
    EXPECT_TRUE(image.events().empty());
    EXPECT_TRUE(image.discovered().empty());
    EXPECT_FALSE(image.leader());
}

}  // namespace
}  // namespace sesmon::state::test
