// The store on a real disk that fills up or turns read-only: a small tmpfs of the test's own
// (as root — CI — it must mount; elsewhere skipped where the sandbox forbids mounts). The
// fault seam (degraded_store_test) covers the logic; this covers what SQLite and the kernel
// really do.
#include "state/store_fixture.hpp"
#include "support/tmpfs_mount.hpp"

namespace sesmon::state::test {
namespace {

using disk_full_test = store_fixture;

// A state of roughly `bytes` bytes once serialized: many emitted ids.
monitor::cluster_state big_state(std::size_t bytes, const std::string& tag) {
    monitor::cluster_state s = store_fixture::state_with(tag);
    while (s.emitted.size() * 70 < bytes)
        s.emitted.push_back(tag + "-" + std::string(60, 'x') + std::to_string(s.emitted.size()));
    return s;
}

TEST_F(disk_full_test, a_full_disk_degrades_the_store_and_it_catches_up_when_space_returns) {
    sesmon::test::tmpfs_mount disk(dir_, "256k");
    if (!disk.mounted() && sesmon::test::tmpfs_mount::required())
        FAIL() << disk.why() << " (as root this must work: CI runs it)";
    if (!disk.mounted())
        GTEST_SKIP() << disk.why();
    open();
    // Fill it: ever more clusters with large states, until a commit fails.
    int written = 0;
    std::error_code failure;
    for (; written < 200 && !failure; ++written) {
        failure = commit_and_wait(batch_of("c" + std::to_string(written),
                                           big_state(16 * 1024, "s" + std::to_string(written))));
    }
    ASSERT_EQ(failure, make_error_code(store_errc::degraded)) << "the disk never filled up";
    ASSERT_TRUE(store_->health().degraded);
    EXPECT_NE(store_->health().reason.find("full"), std::string::npos) << store_->health().reason;

    // Alerts keep flowing: later commits complete at once, as degraded.
    const auto e = make_event(event_type::upgrade_stalled);
    EXPECT_EQ(commit_and_wait(batch_of("last", state_with(e.id), {{e, {"hook"}}})),
              make_error_code(store_errc::degraded));

    ASSERT_TRUE(disk.resize("16m"));
    ASSERT_TRUE(run_until([&] { return !store_->health().degraded; }, 10s)) << log_text();
    close();
    const auto initial = open().take_initial();
    EXPECT_EQ(initial.clusters.size(), static_cast<std::size_t>(written + 1));
    ASSERT_EQ(initial.pending.size(), 1u);
    EXPECT_EQ(initial.pending[0].event, e);
}

// A filesystem that is read-only when the daemon starts (remounted ro after errors, say):
// the stored state is still read, writes wait in memory, and land once it is writable.
// (A mounted filesystem with files open for writing cannot be remounted ro: EBUSY.)
TEST_F(disk_full_test, a_read_only_disk_at_start_is_read_and_written_once_writable) {
    sesmon::test::tmpfs_mount disk(dir_, "16m");
    if (!disk.mounted() && sesmon::test::tmpfs_mount::required())
        FAIL() << disk.why() << " (as root this must work: CI runs it)";
    if (!disk.mounted())
        GTEST_SKIP() << disk.why();
    open();
    EXPECT_FALSE(commit_and_wait(batch_of("a", state_with("one"))));
    close();
    ASSERT_TRUE(disk.read_only(true));

    const auto initial = open().take_initial();
    EXPECT_TRUE(store_->health().degraded);
    ASSERT_EQ(initial.clusters.size(), 1u) << log_text();  // read despite the read-only disk
    EXPECT_EQ(initial.clusters[0].state, state_with("one"));
    const auto e = make_event(event_type::upgrade_finished);
    EXPECT_EQ(commit_and_wait(batch_of("a", state_with(e.id), {{e, {"hook"}}})),
              make_error_code(store_errc::degraded));

    ASSERT_TRUE(disk.read_only(false));
    ASSERT_TRUE(run_until([&] { return !store_->health().degraded; }, 10s)) << log_text();
    close();
    const auto after = open().take_initial();
    ASSERT_EQ(after.clusters.size(), 1u);
    EXPECT_EQ(after.clusters[0].state, state_with(e.id));
    EXPECT_EQ(after.pending.size(), 1u);
}

// A crash leaves the last commits in the WAL; the filesystem is read-only at the next start
// and the -shm is gone: SQLite cannot read that WAL in place (it needs the -shm or a
// writable directory), and immutable=1 ignores it. The start reads a private copy instead.
TEST_F(disk_full_test, a_read_only_start_reads_a_wal_it_cannot_read_in_place_through_a_copy) {
    sesmon::test::tmpfs_mount disk(dir_, "16m");
    if (!disk.mounted() && sesmon::test::tmpfs_mount::required())
        FAIL() << disk.why() << " (as root this must work: CI runs it)";
    if (!disk.mounted())
        GTEST_SKIP() << disk.why();
    const fs::path crashed = dir_ / "crashed";
    open();
    const auto e = make_event(event_type::upgrade_started);
    EXPECT_FALSE(commit_and_wait(batch_of("a", state_with(e.id), {{e, {"hook"}}})));
    fs::create_directories(crashed);
    for (const char* extra : {"", "-wal"})  // as the crash left them, the -shm lost
        fs::copy_file(dir_ / (std::string("state.db") + extra),
                      crashed / (std::string("state.db") + extra));
    close();
    ASSERT_GT(fs::file_size(crashed / "state.db-wal"), 0u);
    ASSERT_TRUE(disk.read_only(true));

    auto o = options();
    o.directory = crashed;
    const auto initial = open(o).take_initial();
    EXPECT_TRUE(store_->health().degraded);
    ASSERT_EQ(initial.clusters.size(), 1u) << log_text();
    EXPECT_EQ(initial.clusters[0].state, state_with(e.id));
    ASSERT_EQ(initial.pending.size(), 1u) << log_text();
    EXPECT_NE(log_text().find("through a copy in "), std::string::npos) << log_text();
    close();
    ASSERT_TRUE(disk.read_only(false));
}

}  // namespace
}  // namespace sesmon::state::test
