// The daemon's state store in every degraded mode (docs/daemon.md "Degraded modes"), driven
// from outside through the disk fault seam (SESMON_TEST_DISK_FAULTS names a control file;
// docs/development.md "The disk fault seam"): read-only, full, I/O error, slow, hung. No root,
// no mounts.
// - a cluster removed and added back by SIGHUP during the outage resumes where it stopped:
//   nothing emitted twice (SPEC §6; issue 21: reads once answered "nothing stored");
// - an idle daemon uses ≤ 0.02 core (SPEC §12, invariant 4);
// - SIGTERM exits 0 within 10 s, a second SIGTERM at once (invariant 5);
// and a state.db of a newer version refuses the start and is left alone (invariant 6).
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "state/database.hpp"
#include "state/sqlite.hpp"

namespace sesmon::daemon_test {
namespace {

// Everything this process and its threads have run on a CPU so far, in seconds.
double cpu_seconds(pid_t pid) {
    const std::string text = read_text("/proc/" + std::to_string(pid) + "/stat");
    // After the command name (in parentheses, which may hold blanks): fields 3 onwards.
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::stol(field);
        if (i == 15)
            stime = std::stol(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
        ++n;
    return n;
}

// "slow 1000" -> "slow_1000": a test name.
std::string test_name(const ::testing::TestParamInfo<std::string>& p) {
    std::string name = p.param;
    for (char& c : name)
        c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
    return name;
}

// One daemon watching the seed upgrade, its state directory behind the fault seam.
class store_in_a_mode : public ::testing::Test {
  protected:
    void start(const std::string& polling = "") {
        sim_.emplace(dir_.path(), "config/scenarios/seed.yaml", 0);  // time moves when told
        spec_.endpoint = sim_->url();
        spec_.clusters = {{"cluster000", "1037001", ""}};
        if (!polling.empty())
            spec_.polling = polling;
        write_text(dir_.path() / "config.yaml", daemon_config(spec_, dir_.path()));
        set_disk("ok");
        d_.emplace(
            dir_.path() / "config.yaml", dir_.path() / "daemon.log",
            std::map<std::string, std::string>{{"SESMON_TEST_DISK_FAULTS", control_.string()}});
        sim_->advance(15);  // the upgrade starts
        ASSERT_TRUE(wait_until([&] { return emitted_count("upgrade_started") == 1; }, 10s))
            << d_->log_text();
    }
    void set_disk(const std::string& mode) { write_text(control_, mode + "\n"); }
    // The first node moves from Upgrade_OpenSearch on: events while the disk is faulty.
    void change_something() {
        const std::size_t before = emitted_count("node_changed");
        sim_->advance(80);
        ASSERT_TRUE(wait_until([&] { return emitted_count("node_changed") > before; }, 10s))
            << d_->log_text();
    }
    std::size_t emitted_count(const std::string& type) {
        return count(emitted_events(d_->log_text()), type);
    }
    bool logged(const std::string& what, std::chrono::milliseconds timeout = 15s) {
        return wait_until([&] { return d_->log_text().find(what) != std::string::npos; }, timeout);
    }
    void reload_with(std::vector<cluster_spec> clusters, const std::string& expect) {
        daemon_spec next = spec_;
        next.clusters = std::move(clusters);
        write_text(dir_.path() / "config.yaml", daemon_config(next, dir_.path()));
        const std::size_t before = count_of(d_->log_text(), "reloaded: ");
        d_->process().signal(SIGHUP);
        // With a hung disk the reload's reads wait for the store to call the disk hung (5 s);
        // the sanitizers make everything slower still.
        ASSERT_TRUE(
            wait_until([&] { return count_of(d_->log_text(), "reloaded: ") > before; }, 30s))
            << d_->log_text();
        EXPECT_NE(d_->log_text().find(expect), std::string::npos) << d_->log_text();
    }

    temp_dir dir_;
    fs::path control_ = dir_.path() / "disk-faults";
    std::optional<simulator> sim_;
    daemon_spec spec_;
    std::optional<daemon_process> d_;
};

// SPEC §12, invariant 5, while starting: a SIGTERM that comes before the event loop listens
// (here: the store's first writes wait for a hung disk) is not the default action's death by
// the signal; the daemon stops with 0 as soon as its loop runs. (Found by scripts/faults,
// seed 10: a member restarted and told to stop in the same second ended by signal 15.)
TEST_F(store_in_a_mode, a_sigterm_while_starting_is_kept_for_the_loop_and_exits_0) {
    sim_.emplace(dir_.path(), "config/scenarios/seed.yaml", 0);
    spec_.endpoint = sim_->url();
    spec_.clusters = {{"cluster000", "1037001", ""}};
    write_text(dir_.path() / "config.yaml", daemon_config(spec_, dir_.path()));
    set_disk("hung");
    d_.emplace(dir_.path() / "config.yaml", dir_.path() / "daemon.log",
               std::map<std::string, std::string>{{"SESMON_TEST_DISK_FAULTS", control_.string()}});
    ASSERT_TRUE(logged("state")) << d_->log_text();  // it runs, and waits for the disk
    std::this_thread::sleep_for(200ms);
    ASSERT_EQ(d_->log_text().find("started: "), std::string::npos) << d_->log_text();
    d_->process().signal(SIGTERM);
    std::this_thread::sleep_for(200ms);
    set_disk("ok");
    EXPECT_EQ(d_->process().wait(10s), 0) << d_->log_text();
    EXPECT_NE(d_->log_text().find("signal SIGTERM received while starting"), std::string::npos)
        << d_->log_text();
}

class outage : public store_in_a_mode, public ::testing::WithParamInterface<std::string> {};

// Reads once answered "nothing stored" after a failed commit: the re-added cluster started
// empty and emitted its upgrade again; with a hung disk, its read waited for the disk.
TEST_P(outage, a_cluster_removed_and_added_back_by_sighup_resumes_without_repeating) {
    start();
    set_disk(GetParam());
    change_something();
    ASSERT_TRUE(logged("state store degraded")) << d_->log_text();

    // A configuration needs a cluster: one the simulator does not know stays meanwhile.
    const cluster_spec spare{"spare", "1037999", ""};
    reload_with({spare}, "1 cluster(s) added, 1 removed");
    reload_with({spec_.clusters[0], spare}, "1 cluster(s) added, 0 removed");
    ASSERT_TRUE(d_->wait_polls("cluster000", 2)) << d_->log_text();
    change_something();  // the re-added cluster carries on from the state it had

    set_disk("ok");
    ASSERT_TRUE(logged("state store recovered", 40s)) << d_->log_text();
    EXPECT_EQ(d_->stop(), 0);
    const std::string log = d_->log_text();
    std::set<std::string> ids;
    for (const auto& e : emitted_events(log))
        EXPECT_TRUE(ids.insert(e.id).second) << "emitted twice: " << e.type << " " << e.id;
    EXPECT_EQ(count(emitted_events(log), "upgrade_started"), 1u) << log;
    EXPECT_EQ(count_of(log, "error state store degraded:"), 1u) << log;  // one episode, one line
}

// io-error takes the path of full and read-only (a failed write); slow is no outage.
INSTANTIATE_TEST_SUITE_P(modes, outage, ::testing::Values("read-only", "full", "hung"), test_name);

class every_mode : public store_in_a_mode, public ::testing::WithParamInterface<std::string> {};

// SPEC §12, invariants 4 and 5. Polling once a second (a fleet at rest polls far less often):
// the daemon's own work is a few milliseconds a second; what is measured is that the degraded
// store adds nothing to it (the writer once spun at 0.54 core).
TEST_P(every_mode, idle_it_uses_no_cpu_and_sigterm_exits_0_within_10_s) {
    start("{ interval: 1s, idle_interval: 1s, jitter: 0.1, max_backoff: 1s }");
    set_disk(GetParam());
    change_something();
    std::this_thread::sleep_for(1s);
    const pid_t pid = d_->process().pid();
    const double before = cpu_seconds(pid);
    std::this_thread::sleep_for(5s);
    const double core = (cpu_seconds(pid) - before) / 5;
    // 0.02 core is the invariant; a tick (10 ms) of slack for the measurement's granularity.
    // Under the sanitizers the same work costs several times the CPU (0.024 seen): there the
    // check is that nothing spins.
#if defined(__SANITIZE_ADDRESS__)
    constexpr double bound = 0.06;
#else
    constexpr double bound = 0.022;
#endif
    EXPECT_LE(core, bound) << GetParam() << ": " << core << " core while idle\n" << d_->log_text();
    std::cout << "[ measured ] " << GetParam() << ": " << core << " core while idle\n";

    const auto began = std::chrono::steady_clock::now();
    d_->process().signal(SIGTERM);
    const auto code = d_->process().wait(12s);
    EXPECT_EQ(code, 0) << d_->log_text();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 10s) << d_->log_text();
}

INSTANTIATE_TEST_SUITE_P(modes, every_mode,
                         ::testing::Values("read-only", "full", "io-error", "slow 1000", "hung"),
                         test_name);

TEST_F(store_in_a_mode, a_second_sigterm_exits_at_once_whatever_the_disk_does) {
    start();
    set_disk("hung");
    change_something();
    d_->process().signal(SIGTERM);
    std::this_thread::sleep_for(300ms);
    const auto began = std::chrono::steady_clock::now();
    d_->process().signal(SIGTERM);
    EXPECT_EQ(d_->process().wait(5s), 0) << d_->log_text();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 2s) << d_->log_text();
    EXPECT_NE(d_->log_text().find("second SIGTERM while stopping"), std::string::npos)
        << d_->log_text();
}

TEST(daemon_store_test, a_state_db_of_a_newer_version_refuses_the_start_and_is_left_alone) {
    temp_dir dir;
    fs::create_directories(dir.path() / "state");
    const fs::path file = dir.path() / "state" / "state.db";
    {
        state::sqlite::connection db(file, state::sqlite::open_mode::read_write_create);
        db.exec("CREATE TABLE clusters(x); PRAGMA user_version = 99");
    }
    daemon_spec spec;
    spec.endpoint = "http://127.0.0.1:9";
    spec.clusters = {{"cluster000", "1037001", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    EXPECT_EQ(d.process().wait(10s), 2) << d.log_text();
    const std::string log = d.log_text();
    EXPECT_EQ(count_of(log, "refusing to start: " + file.string() +
                                " has schema version 99, newer than this binary's"),
              1u)
        << log;
    EXPECT_NE(log.find("schema version " + std::to_string(state::schema_version) + ")"),
              std::string::npos)
        << log;
    for (const auto& entry : fs::directory_iterator(dir.path() / "state"))
        EXPECT_FALSE(entry.path().filename().string().starts_with("state.db.corrupt-"))
            << entry.path();
    state::sqlite::connection db(file, state::sqlite::open_mode::read_only);
    EXPECT_EQ(db.query_int("PRAGMA user_version"), 99);
}

}  // namespace
}  // namespace sesmon::daemon_test
