// fleet_index: the revision moves exactly when what a cluster shows changes, the counts
// follow by deltas (overall and per label value), and finished upgrades leave the 24 h window.
#include "web/fleet_index.hpp"

#include <gtest/gtest.h>

#include "common/time_format.hpp"

namespace sesmon::web {
namespace {

const wall_time t0 = *common::parse_rfc3339("2026-11-26T20:00:00Z");

fleet_row row(std::string name, state_facts facts = {}, label_set labels = {}) {
    fleet_row r;
    r.name = std::move(name);
    r.instance_no = "1037" + std::to_string(r.name.size());
    r.facts = facts;
    r.labels = std::move(labels);
    return r;
}

state_facts upgrading() {
    state_facts f;
    f.upgrading = true;
    return f;
}

TEST(fleet_index_test, a_new_cluster_counts_and_moves_the_revision) {
    fleet_index index(1000);
    int hooks = 0;
    index.on_change([&] { ++hooks; });
    EXPECT_TRUE(index.update(row("a", upgrading()), false, t0));
    EXPECT_EQ(index.revision(), 1001u);
    EXPECT_EQ(hooks, 1);
    ASSERT_NE(index.find("a"), nullptr);
    EXPECT_EQ(index.find("a")->state, fleet_state::upgrading);
    EXPECT_EQ(index.find("a")->revision, 1001u);
    EXPECT_EQ(index.counts()[static_cast<std::size_t>(fleet_state::upgrading)], 1u);
    EXPECT_EQ(index.size(), 1u);
}

TEST(fleet_index_test, a_poll_that_changed_nothing_shown_keeps_the_revision) {
    fleet_index index(1);
    index.update(row("a", upgrading()), false, t0);
    const auto before = index.revision();
    EXPECT_FALSE(index.update(row("a", upgrading()), false, t0 + std::chrono::seconds(10)));
    // An ETA that drifts (a node past its typical time) is no change either.
    auto drifted = row("a", upgrading());
    drifted.eta = t0 + std::chrono::hours(1);
    EXPECT_FALSE(index.update(drifted, false, t0 + std::chrono::seconds(20)));
    EXPECT_EQ(index.revision(), before);
    EXPECT_FALSE(index.find("a")->row.eta) << "the ETA is kept as of the last change";
}

TEST(fleet_index_test, a_change_beyond_the_row_or_in_it_moves_the_revision_of_that_cluster) {
    fleet_index index(1);
    index.update(row("a", upgrading()), false, t0);
    index.update(row("b", upgrading()), false, t0);
    const auto b_revision = index.find("b")->revision;
    EXPECT_TRUE(index.update(row("a", upgrading()), true, t0));  // a node's status
    EXPECT_EQ(index.find("a")->revision, index.revision());
    EXPECT_EQ(index.find("b")->revision, b_revision);
    state_facts stalled = upgrading();
    stalled.stalled = true;
    EXPECT_TRUE(index.update(row("b", stalled), false, t0));
    EXPECT_EQ(index.find("b")->state, fleet_state::stalled);
    EXPECT_EQ(index.counts()[static_cast<std::size_t>(fleet_state::stalled)], 1u);
    EXPECT_EQ(index.counts()[static_cast<std::size_t>(fleet_state::upgrading)], 1u);
    EXPECT_TRUE(index.update(row("b", stalled, {{"team", "x"}}), false, t0));  // relabelled
}

TEST(fleet_index_test, states_follow_the_one_precedence) {
    state_facts all;
    all.failed = all.stalled = all.blind = all.upgrading = true;
    EXPECT_EQ(state_of(all, t0), fleet_state::failed);
    all.failed = false;
    EXPECT_EQ(state_of(all, t0), fleet_state::stalled);
    all.stalled = false;
    EXPECT_EQ(state_of(all, t0), fleet_state::blind);
    all.blind = false;
    EXPECT_EQ(state_of(all, t0), fleet_state::upgrading);
    state_facts done;
    done.finished_at = t0 - std::chrono::hours(23);
    EXPECT_EQ(state_of(done, t0), fleet_state::finished);
    done.finished_at = t0 - std::chrono::hours(24);
    EXPECT_EQ(state_of(done, t0), fleet_state::idle);
    EXPECT_EQ(state_of(state_facts{}, t0), fleet_state::idle);
}

TEST(fleet_index_test, label_counts_follow_states_and_relabelling_and_leave_no_empty_values) {
    fleet_index index(1);
    index.update(row("a", upgrading(), {{"team", "search"}, {"env", "prod"}}), false, t0);
    index.update(row("b", {}, {{"team", "search"}}), false, t0);
    const auto& by = index.label_counts();
    const auto up = static_cast<std::size_t>(fleet_state::upgrading);
    const auto idle = static_cast<std::size_t>(fleet_state::idle);
    EXPECT_EQ(by.at("team").at("search")[up], 1u);
    EXPECT_EQ(by.at("team").at("search")[idle], 1u);
    EXPECT_EQ(by.at("env").at("prod")[up], 1u);
    index.update(row("a", upgrading(), {{"team", "logs"}}), false, t0);
    EXPECT_EQ(by.at("team").at("logs")[up], 1u);
    EXPECT_EQ(by.at("team").at("search")[up], 0u);
    EXPECT_EQ(by.count("env"), 0u) << "no cluster carries env any more";
    index.remove("b");
    EXPECT_EQ(by.at("team").count("search"), 0u);
    EXPECT_EQ(index.counts()[idle], 0u);
}

TEST(fleet_index_test, a_removed_cluster_leaves_the_counts_and_moves_the_revision) {
    fleet_index index(1);
    index.update(row("a", upgrading()), false, t0);
    index.update(row("b"), false, t0);
    index.update(row("c"), false, t0);
    const auto before = index.revision();
    index.remove("a");
    EXPECT_EQ(index.revision(), before + 1);
    EXPECT_EQ(index.size(), 2u);
    EXPECT_EQ(index.find("a"), nullptr);
    ASSERT_NE(index.find("c"), nullptr);  // moved into a's place, still found
    EXPECT_EQ(index.find("c")->row.name, "c");
    EXPECT_EQ(index.counts()[static_cast<std::size_t>(fleet_state::upgrading)], 0u);
    index.remove("nobody");
    EXPECT_EQ(index.revision(), before + 1);
}

TEST(fleet_index_test, a_finished_upgrade_becomes_idle_after_24_hours_once) {
    fleet_index index(1);
    state_facts done;
    done.finished_at = t0;
    index.update(row("a", done), false, t0);
    state_facts later = done;
    later.finished_at = t0 + std::chrono::hours(1);
    index.update(row("b", later), false, t0 + std::chrono::hours(1));
    EXPECT_EQ(index.find("a")->state, fleet_state::finished);
    const auto before = index.revision();
    index.expire(t0 + std::chrono::hours(23));
    EXPECT_EQ(index.revision(), before) << "nothing due yet";
    index.expire(t0 + std::chrono::hours(24));
    EXPECT_EQ(index.revision(), before + 1);
    EXPECT_EQ(index.find("a")->state, fleet_state::idle);
    EXPECT_EQ(index.find("a")->revision, before + 1);
    EXPECT_EQ(index.find("b")->state, fleet_state::finished);
    index.expire(t0 + std::chrono::hours(24));
    EXPECT_EQ(index.revision(), before + 1);
    index.expire(t0 + std::chrono::hours(30));
    EXPECT_EQ(index.find("b")->state, fleet_state::idle);
    EXPECT_EQ(index.counts()[static_cast<std::size_t>(fleet_state::idle)], 2u);
    EXPECT_EQ(index.counts()[static_cast<std::size_t>(fleet_state::finished)], 0u);
    // A later poll of the same facts agrees: no change.
    EXPECT_FALSE(index.update(row("a", done), false, t0 + std::chrono::hours(31)));
}

}  // namespace
}  // namespace sesmon::web
