// Randomised (fixed seeds) sequences of polls, ticks and readings of the cluster's own view,
// checking what must hold for any input: ids are never repeated, lifecycle events come at
// most once per upgrade, stall events and red-health events alternate, and a tracker restarted from
// any earlier saved state (a crash whose last flush lagged) replays exactly the same events with
// the same ids.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "tracker_fixture.hpp"

namespace sesmon::monitor {
namespace {

using namespace testing;

struct step {
    bool is_tick = false;
    wall_time now;
    snapshot snap;
    std::optional<cluster_reading> reading;  // a reading of the OpenSearch view instead
};

// Recoveries that move now and then (and stand still long enough to be stuck).
std::vector<shard_recovery> random_recoveries(std::mt19937& rng) {
    std::vector<shard_recovery> out;
    const int n = std::uniform_int_distribution<>(0, 2)(rng);
    for (int i = 0; i < n; ++i) {
        shard_recovery r;
        r.index = "logs";
        r.shard = std::to_string(i);
        r.target_node = "b";
        r.stage = "index";
        r.bytes_total = 100;
        r.bytes_recovered = std::uniform_int_distribution<>(0, 3)(rng) * 25;
        out.push_back(r);
    }
    return out;
}

std::vector<step> random_run(unsigned seed) {
    std::mt19937 rng(seed);
    auto chance = [&](double p) { return std::uniform_real_distribution<>(0, 1)(rng) < p; };
    auto pick = [&](int n) { return std::uniform_int_distribution<>(0, n - 1)(rng); };
    const std::vector<std::string> words = {"running",  "Upgrade_OpenSearch", "Upgrade_Plugins",
                                            "complete", "Upgrade_Failed",     "Maintenance"};
    std::vector<std::string> hosts = {"a", "b", "c", "d"};
    std::vector<std::string> status(hosts.size(), "running");
    int target = 2150;
    wall_time now = t0;
    std::vector<step> run;
    std::vector<shard_recovery> recoveries;
    for (int i = 0; i < 120; ++i) {
        now += std::chrono::minutes(1 + pick(30));
        step s;
        s.now = now;
        if (chance(0.2)) {
            cluster_reading r;
            const char* healths[] = {"green", "yellow", "yellow", "red"};
            r.health = healths[pick(4)];
            if (chance(0.4))
                recoveries = random_recoveries(rng);
            r.recoveries = recoveries;
            s.reading = r;
        } else if (chance(0.25)) {
            s.is_tick = true;
        } else if (chance(0.05)) {
            s.snap = snap_builder("2150", "2150").node("a", "running");  // idle response
        } else {
            if (chance(0.04)) {
                target += 10;  // a new upgrade
                std::fill(status.begin(), status.end(), "running");
            }
            if (chance(0.03))
                hosts[static_cast<std::size_t>(pick(4))] += "x";  // replaced
            for (auto& st : status) {
                if (chance(0.2))
                    st = words[static_cast<std::size_t>(pick(6))];
            }
            if (chance(0.1))
                std::fill(status.begin(), status.end(), "complete");
            snap_builder b("2140", std::to_string(target), t0);
            for (std::size_t n = 0; n < hosts.size(); ++n) {
                b.node(hosts[n], status[n],
                       chance(0.5) ? std::optional(now - std::chrono::minutes(pick(90)))
                                   : std::nullopt);
            }
            s.snap = b.count(chance(0.1) ? 5 : 4);
        }
        run.push_back(std::move(s));
    }
    return run;
}

std::vector<event> apply(tracker& t, const step& s) {
    if (s.reading)
        return t.observe_cluster(*s.reading, s.now);
    return s.is_tick ? t.tick(s.now) : t.observe(s.snap, s.now).events;
}

class tracker_property_test : public ::testing::TestWithParam<unsigned> {};

TEST_P(tracker_property_test, ids_never_repeat_and_lifecycle_events_come_once_per_upgrade) {
    tracker t(test_cluster(), test_options());
    std::set<std::string> ids;
    std::map<std::string, std::map<event_type, int>> per_upgrade;  // action_date|to → counts
    std::map<std::string, bool> stall_open;
    bool red_open = false;  // red episodes are per cluster: they may outlive their upgrade
    for (const step& s : random_run(GetParam())) {
        for (const event& e : apply(t, s)) {
            EXPECT_TRUE(ids.insert(e.id).second) << "repeated id for " << to_string(e.type);
            ASSERT_TRUE(e.upgrade);
            const std::string key = e.upgrade->action_date + "|" + e.upgrade->to_version;
            ++per_upgrade[key][e.type];
            if (e.type == event_type::upgrade_stalled) {
                EXPECT_FALSE(stall_open[key]) << "stalled twice in one episode";
                stall_open[key] = true;
            }
            if (e.type == event_type::stall_cleared) {
                EXPECT_TRUE(stall_open[key]) << "cleared without a stall";
                stall_open[key] = false;
            }
            if (e.type == event_type::cluster_health_red) {
                EXPECT_FALSE(red_open) << "red twice in one episode";
                red_open = true;
            }
            if (e.type == event_type::cluster_health_cleared) {
                EXPECT_TRUE(red_open) << "red cleared without a red";
                red_open = false;
            }
        }
    }
    for (const auto& [key, counts] : per_upgrade) {
        for (const event_type type : {event_type::upgrade_started, event_type::upgrade_finished,
                                      event_type::upgrade_vanished}) {
            const auto it = counts.find(type);
            EXPECT_LE(it == counts.end() ? 0 : it->second, 1) << key << " " << to_string(type);
        }
    }
}

TEST_P(tracker_property_test, restart_from_any_earlier_save_replays_the_same_events) {
    const auto run = random_run(GetParam());
    tracker t(test_cluster(), test_options());
    std::vector<std::vector<event>> emitted;
    std::vector<cluster_state> saved;  // state after each step
    for (const step& s : run) {
        emitted.push_back(apply(t, s));
        saved.push_back(t.state());
    }
    std::mt19937 rng(GetParam() * 7919u);
    for (int trial = 0; trial < 10; ++trial) {
        const std::size_t from = std::uniform_int_distribution<std::size_t>(0, run.size() - 2)(rng);
        std::string error;
        auto parsed = cluster_state_from_json(to_json(saved[from], "1037001"), error);
        ASSERT_TRUE(parsed) << error;
        tracker again(test_cluster(), test_options(), parsed->state);
        for (std::size_t i = from + 1; i < run.size(); ++i) {
            ASSERT_EQ(apply(again, run[i]), emitted[i])
                << "restart after step " << from << ", step " << i;
        }
    }
}

// Guards the two tests above against a generator that stopped producing interesting runs.
TEST(tracker_property_coverage_test, the_random_runs_reach_every_upgrade_event) {
    std::set<event_type> seen;
    for (unsigned seed = 1; seed < 41; ++seed) {
        tracker t(test_cluster(), test_options());
        for (const step& s : random_run(seed)) {
            for (const event& e : apply(t, s))
                seen.insert(e.type);
        }
    }
    for (const event_type type : all_event_types) {
        // Blindness and degradation are the daemon's, not the tracker's; upgrade_unplanned the
        // maintenance windows' (silence/planned.hpp).
        if (type == event_type::monitor_blind || type == event_type::monitor_recovered ||
            type == event_type::monitor_degraded || type == event_type::upgrade_unplanned)
            continue;
        EXPECT_TRUE(seen.contains(type)) << to_string(type);
    }
}

INSTANTIATE_TEST_SUITE_P(seeds, tracker_property_test, ::testing::Range(1u, 41u));

}  // namespace
}  // namespace sesmon::monitor
