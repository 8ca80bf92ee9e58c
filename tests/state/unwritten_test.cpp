// unwritten: what the store holds until the disk has it — the newest state wins, reads see
// the group being written and what arrived since, and a disk that never lets the writer take
// anything still costs bounded memory.
#include "state/unwritten.hpp"

#include "state/store_fixture.hpp"

namespace sesmon::state::test {
namespace {

using unwritten_test = store_fixture;

routed_event event_n(int n) {
    return {store_fixture::make_event(event_type::node_changed, "n" + std::to_string(n),
                                      "Upgrade_OpenSearch", 1),
            {"hook"}};
}

TEST_F(unwritten_test, the_newest_state_wins_and_written_groups_are_forgotten) {
    unwritten u(100);
    std::uint64_t generation = 99;
    EXPECT_FALSE(u.cluster("a", generation));
    EXPECT_EQ(generation, 0u);
    EXPECT_TRUE(u.add(batch_of("a", state_with("1")), 1));   // the writer must wake
    EXPECT_FALSE(u.add(batch_of("a", state_with("2")), 2));  // it was woken already
    EXPECT_EQ(u.take(), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_FALSE(u.arrived());
    u.add(batch_of("a", state_with("3")), 0);  // arrives while the group is written
    EXPECT_EQ(u.cluster("a", generation)->state, state_with("3"));
    u.written();
    EXPECT_EQ(u.cluster("a", generation)->state, state_with("3"));  // not written yet
    EXPECT_EQ(generation, 1u);
    u.take();
    u.written();
    EXPECT_FALSE(u.cluster("a", generation));  // on disk now: the disk answers
    EXPECT_EQ(generation, 2u);
}

TEST_F(unwritten_test, a_notifiers_rows_come_in_order_with_their_newest_results) {
    unwritten u(100);
    batch first = batch_of("a", state_with("x"));
    first.events = {event_n(1), {make_event(event_type::upgrade_started), {"other"}}};
    u.add(std::move(first), 0);
    u.take();  // being written
    batch second = batch_of("a", state_with("y"));
    second.events = {event_n(2)};
    u.add(std::move(second), 0);
    u.add(delivery_update{"hook", event_n(1).event.id, delivery_status::pending, 1, {}, "503", t0});
    u.add(delivery_update{"hook", event_n(1).event.id, delivery_status::delivered, 2, {}, "", t0});
    std::uint64_t generation = 0;
    const auto rows = u.pending_for("hook", generation);
    ASSERT_EQ(rows.events.size(), 2u);
    EXPECT_EQ(rows.events[0].id, event_n(1).event.id);
    EXPECT_EQ(rows.events[1].id, event_n(2).event.id);
    ASSERT_EQ(rows.updates.size(), 1u);  // coalesced: the latest result
    EXPECT_EQ(rows.updates[0].status, delivery_status::delivered);
}

TEST_F(unwritten_test, a_writer_that_takes_nothing_costs_bounded_memory) {
    unwritten u(100);
    for (int i = 0; i < 1000; ++i) {
        batch b = batch_of("a", state_with(std::to_string(i)));
        b.events = {event_n(i)};
        u.add(std::move(b), 0);
    }
    std::uint64_t generation = 0;
    const auto rows = u.pending_for("hook", generation);
    EXPECT_LE(rows.events.size(), 110u);
    EXPECT_EQ(rows.events.back().id, event_n(999).event.id);  // the oldest went
    EXPECT_GE(u.dropped_events(), 890u);
    u.take();
    EXPECT_LE(u.writing().events.size(), 110u);
    EXPECT_EQ(u.writing().clusters.size(), 1u);  // one cluster: one state, the latest
    EXPECT_EQ(u.writing().clusters.at("a").state, state_with("999"));
}

}  // namespace
}  // namespace sesmon::state::test
