// Crash safety: SIGKILL the daemon at random points, many times, while the simulator plays
// the seed upgrade. state.db must always pass its integrity check and load, upgrade_finished
// must be emitted exactly once overall and no event id twice (events and the state that
// emitted them are committed together, src/state/store.hpp). scripts/chaos runs the long
// version with a webhook sink.
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "harness.hpp"
#include "state/reads.hpp"
#include "state/sqlite.hpp"

namespace sesmon::daemon_test {
namespace {

// state.db passes PRAGMA integrity_check and the cluster's state decodes — or there is no
// state yet. No database was ever moved aside as damaged.
void expect_state_loads(const fs::path& state_dir, int run) {
    if (fs::exists(state_dir / "state.db")) {
        state::sqlite::connection db(state_dir / "state.db", state::sqlite::open_mode::read_only);
        EXPECT_EQ(db.query_text("PRAGMA integrity_check"), "ok") << "run " << run;
        const auto log = std::make_shared<spdlog::logger>("check");
        const auto clusters = state::read_clusters(db, *log);
        for (const auto& c : clusters)
            EXPECT_EQ(c.instance_no, "1037001") << "run " << run;
    }
    if (fs::exists(state_dir)) {
        for (const auto& entry : fs::directory_iterator(state_dir)) {
            EXPECT_EQ(entry.path().filename().string().find(".corrupt-"), std::string::npos)
                << "run " << run << ": " << entry.path();
        }
    }
}

TEST(daemon_sigkill_test, random_kills_never_corrupt_state_or_repeat_an_event) {
    temp_dir dir;
    simulator sim(dir.path(), "config/scenarios/seed.yaml", 60);  // ≈ 15 s of upgrade
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"cluster000", "1037001", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));

    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> pause_ms(100, 1500);
    std::string all_logs;
    std::vector<std::vector<emitted>> per_run;
    const auto budget_end = std::chrono::steady_clock::now() + 25s;
    int kills = 0;
    for (int run = 0; run < 15 && std::chrono::steady_clock::now() < budget_end; ++run) {
        const auto log = dir.path() / ("daemon" + std::to_string(run) + ".log");
        {
            daemon_process d(dir.path() / "config.yaml", log);
            std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
            d.process().signal(SIGKILL);
            EXPECT_EQ(d.process().wait(5s), 128 + SIGKILL);
            ++kills;
        }
        all_logs += read_text(log);
        per_run.push_back(emitted_events(read_text(log)));
        expect_state_loads(dir.path() / "state", run);
        EXPECT_EQ(read_text(log).find("unusable"), std::string::npos) << read_text(log);
    }
    EXPECT_GE(kills, 10);

    // A last run that is left alone until the upgrade is over and seen as over.
    const auto log = dir.path() / "daemon-final.log";
    daemon_process d(dir.path() / "config.yaml", log);
    ASSERT_TRUE(wait_until(
        [&] { return count(emitted_events(all_logs + d.log_text()), "upgrade_finished") >= 1; },
        30s))
        << all_logs << d.log_text();
    ASSERT_TRUE(d.wait_polls("cluster000", 3));
    EXPECT_EQ(d.stop(), 0);
    all_logs += d.log_text();
    per_run.push_back(emitted_events(d.log_text()));
    expect_state_loads(dir.path() / "state", -1);

    // Within one run nothing repeats; across a kill, only the cut-off tail may repeat, at
    // the head of the next run that emitted anything.
    std::map<std::string, std::size_t> first_run_of;
    std::size_t repeated = 0;
    for (std::size_t r = 0; r < per_run.size(); ++r) {
        std::set<std::string> in_run;
        for (std::size_t i = 0; i < per_run[r].size(); ++i) {
            const auto& e = per_run[r][i];
            EXPECT_TRUE(in_run.insert(e.id).second) << "twice in run " << r << ": " << e.id;
            const auto [it, fresh] = first_run_of.emplace(e.id, r);
            if (fresh)
                continue;
            ++repeated;
            // The previous emission was in the latest earlier run that emitted anything...
            std::size_t prev = r;
            while (prev > 0 && per_run[prev - 1].empty())
                --prev;
            ASSERT_GT(prev, 0u) << e.id;
            EXPECT_EQ(it->second, prev - 1) << "repeated across more than a kill: " << e.id;
            // ...among its last events, and here it comes before anything new.
            const auto& before = per_run[prev - 1];
            const auto pos = std::find_if(before.begin(), before.end(),
                                          [&](const emitted& x) { return x.id == e.id; });
            EXPECT_LE(static_cast<std::size_t>(before.end() - pos), 8u) << e.id;
            for (std::size_t j = 0; j < i; ++j) {
                EXPECT_EQ(first_run_of[per_run[r][j].id] == r, false)
                    << "a new event preceded the repeat of " << e.id;
            }
        }
    }
    std::set<std::string> unique;
    std::size_t finished = 0, changed = 0, started = 0;
    for (const auto& run_events : per_run) {
        for (const auto& e : run_events) {
            if (!unique.insert(e.id).second)
                continue;
            finished += e.type == "upgrade_finished";
            changed += e.type == "node_changed";
            started += e.type == "upgrade_started";
        }
    }
    EXPECT_EQ(repeated, 0u);
    EXPECT_EQ(finished, 1u);
    EXPECT_EQ(started, 1u);
    EXPECT_GE(changed, 8u);  // at least every node's completion
    RecordProperty("kills", kills);
    RecordProperty("repeated_after_kill", static_cast<int>(repeated));
    std::cout << kills << " kills, " << unique.size() << " distinct events, " << repeated
              << " repeated right after a kill\n";
}

}  // namespace
}  // namespace sesmon::daemon_test
