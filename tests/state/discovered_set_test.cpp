// Discovery's known set in state.db (issue 14): committed through the writer with the other
// writes, replaced whole, coalesced while the disk fails, loaded at start, and added to a
// database of an older schema by its migration step.
#include "state/database.hpp"
#include "state/disk_faults.hpp"
#include "state/reads.hpp"
#include "state/store_fixture.hpp"

namespace sesmon::state::test {
namespace {

using discovered_set_test = store_fixture;

const discovered_record prod_01{"4001", "KR", "prod-01", "prod-01", 0};
const discovered_record logs_eu{"4017", "KR", "prod logs (eu)", "prod-logs-eu", 0};

batch set_of(std::vector<discovered_record> set) {
    batch b;
    b.discovered = std::move(set);
    return b;
}

TEST_F(discovered_set_test, the_committed_set_is_loaded_at_start_and_replaced_whole) {
    EXPECT_TRUE(open().take_initial().discovered.empty());
    EXPECT_FALSE(commit_and_wait(set_of({prod_01, logs_eu})));
    close();
    EXPECT_EQ(open().take_initial().discovered, (std::vector<discovered_record>{prod_01, logs_eu}));

    auto missed = logs_eu;
    missed.misses = 1;
    EXPECT_FALSE(commit_and_wait(set_of({missed})));
    close();
    EXPECT_EQ(open().take_initial().discovered, std::vector<discovered_record>{missed});

    EXPECT_FALSE(commit_and_wait(set_of({})));  // an empty set is a set: every row goes
    close();
    EXPECT_TRUE(open().take_initial().discovered.empty());
}

TEST_F(discovered_set_test, a_batch_without_a_set_leaves_the_stored_one_alone) {
    open();
    EXPECT_FALSE(commit_and_wait(set_of({prod_01})));
    const auto a = make_event(event_type::upgrade_started);
    EXPECT_FALSE(commit_and_wait(batch_of("1037001", state_with(a.id), {{a, {"hook"}}})));
    close();
    const auto initial = open().take_initial();
    EXPECT_EQ(initial.discovered, std::vector<discovered_record>{prod_01});
    EXPECT_EQ(initial.clusters.size(), 1u);
}

TEST_F(discovered_set_test, while_the_disk_fails_the_latest_set_is_kept_and_written_after) {
    auto faults = std::make_shared<disk_faults>();
    faults->set(disk_fault::io_error);
    auto o = options();
    o.faults = faults;
    open(o);
    store_->commit(set_of({prod_01}), {});
    ASSERT_TRUE(run_until([&] { return store_->health().degraded; }));
    store_->commit(set_of({prod_01, logs_eu}), {});
    store_->commit(set_of({logs_eu}), {});
    faults->set(disk_fault::none);
    ASSERT_TRUE(run_until([&] { return !store_->health().degraded; })) << log_text();
    close();
    EXPECT_EQ(open(options()).take_initial().discovered, std::vector<discovered_record>{logs_eu});
}

TEST_F(discovered_set_test, an_older_database_gains_the_table_and_keeps_its_rows) {
    open();
    const auto a = make_event(event_type::upgrade_started);
    EXPECT_FALSE(commit_and_wait(batch_of("1037001", state_with(a.id), {{a, {"hook"}}})));
    close();
    {
        // What a daemon of schema version 1 (before discovery) left behind.
        sqlite::connection db(dir_ / database_file_name, sqlite::open_mode::read_write_create);
        make_schema_1(db);
        // Read as it is (the degraded start reads without migrating): no set, no error.
        EXPECT_TRUE(read_discovered(db).empty());
    }
    const auto initial = open().take_initial();
    EXPECT_EQ(initial.clusters.size(), 1u);
    EXPECT_EQ(initial.pending.size(), 1u);
    EXPECT_TRUE(initial.discovered.empty());
    EXPECT_FALSE(commit_and_wait(set_of({prod_01})));
    close();
    EXPECT_EQ(open().take_initial().discovered, std::vector<discovered_record>{prod_01});
    close();
    EXPECT_EQ(open_for_reading(dir_)->query_int("PRAGMA user_version"), schema_version);
}

}  // namespace
}  // namespace sesmon::state::test
