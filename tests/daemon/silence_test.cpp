// Alertmanager silences end to end (SPEC §14): the real daemon, the simulator and a real
// Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1. A silence exists while an
// upgrade runs, with the configured matchers; a stall ends it and a failure ends it for good;
// the stall's clearing brings the next one; the finish expires it. Across SIGKILLs during an
// upgrade none is left behind and none is made twice. SESMON_SILENCE_KILLS=50 runs the long
// version of the kill test (docs/operations.md, "Quiet during upgrades").
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include "harness.hpp"
#include "support/alertmanager_server.hpp"

namespace sesmon::daemon_test {
namespace {

struct am_silence {
    std::string id;
    std::string state;  // active | pending | expired
    std::string created_by;
    std::string comment;
    std::string cluster;  // the value of its `cluster` matcher
};

std::vector<am_silence> silences_of(const test::alertmanager_server& am) {
    std::vector<am_silence> out;
    const auto text = am.silences_json();
    if (!text)
        return out;
    rapidjson::Document doc;
    doc.Parse(text->c_str());
    if (doc.HasParseError() || !doc.IsArray())
        return out;
    const auto str = [](const rapidjson::Value& o, const char* key) {
        const auto it = o.FindMember(key);
        return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString())
                                                           : std::string();
    };
    for (const auto& item : doc.GetArray()) {
        am_silence s{str(item, "id"), str(item["status"], "state"), str(item, "createdBy"),
                     str(item, "comment"), ""};
        for (const auto& m : item["matchers"].GetArray()) {
            if (str(m, "name") == "cluster")
                s.cluster = str(m, "value");
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<am_silence> of_cluster(const std::vector<am_silence>& all, const std::string& cluster,
                                   const std::string& state = "") {
    std::vector<am_silence> out;
    for (const am_silence& s : all) {
        if (s.cluster == cluster && (state.empty() || s.state == state))
            out.push_back(s);
    }
    return out;
}

// The episodes scenario's two upgrades (stuck, failing) each have their one active silence.
bool both_silenced(const test::alertmanager_server& am) {
    return wait_until(
        [&] {
            const auto all = silences_of(am);
            return of_cluster(all, "stuck", "active").size() == 1 &&
                   of_cluster(all, "failing", "active").size() == 1;
        },
        10s);
}

std::string alertmanager_section(const test::alertmanager_server& am) {
    return "alertmanager:\n"
           "  url: " +
           am.url() +
           "\n"
           "  matchers: ['cluster=\"{cluster}\"']\n"
           "  margin: 30m\n"
           "  retry: { initial_backoff: 100ms, max_backoff: 500ms }\n";
}

TEST(daemon_silence_test, a_silence_lasts_while_the_upgrade_runs_and_never_covers_a_failure) {
    temp_dir dir;
    test::alertmanager_server am(dir.path() / "am");
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    daemon_spec spec;
    spec.endpoint = sim.url();
    // The stall timer runs on the daemon's clock: st-1 stalls 5 s after it is first seen
    // (and so would st-2, which leaves 5 s to see the silence after the stall).
    spec.stall = "{ node_stage_timeout: 5s, no_progress_timeout: 0s, blind_timeout: 0s }";
    spec.clusters = {{"stuck", "1037301", ""},
                     {"failing", "1037302", "stall: { node_stage_timeout: 0s }"}};
    spec.extra = alertmanager_section(am);
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    ASSERT_TRUE(d.wait_polls("stuck", 2));
    EXPECT_TRUE(silences_of(am).empty()) << "no upgrade yet, no silence";

    sim.advance(30);  // both upgrades running: st-1 and fl-1 in Upgrade_OpenSearch
    ASSERT_TRUE(both_silenced(am)) << d.log_text() << am.log();
    const am_silence first = of_cluster(silences_of(am), "stuck", "active").at(0);
    EXPECT_EQ(first.created_by.rfind("ses-upgrade-monitor/", 0), 0u) << first.created_by;
    EXPECT_NE(first.comment.find("stuck is upgrading 2140 \u2192 2150, 2 of 2 nodes remaining"),
              std::string::npos)
        << first.comment;
    EXPECT_NE(first.comment.find("[ses-upgrade-monitor upgrade="), std::string::npos);

    // The stall ends the silence: the other alerts of a stuck upgrade must reach people.
    ASSERT_TRUE(has_emitted(d, "upgrade_stalled", "stuck", 15s)) << d.log_text();
    ASSERT_TRUE(
        wait_until([&] { return of_cluster(silences_of(am), "stuck", "active").empty(); }, 5s))
        << d.log_text();
    // Logged once Alertmanager's answer is read, which may be after the state above shows.
    EXPECT_TRUE(wait_until(
        [&] { return d.log_text().find("expired (upgrade_stalled)") != std::string::npos; }, 5s));

    sim.advance(45);  // t = 75 s: fl-1 fails one minute into its stage; its silence ends for good
    ASSERT_TRUE(has_emitted(d, "upgrade_failed", "failing", 5s)) << d.log_text();
    ASSERT_TRUE(
        wait_until([&] { return of_cluster(silences_of(am), "failing", "active").empty(); }, 5s))
        << d.log_text();

    // t = 1290 s: st-1 left its stage at 1270 s (1 min + 20 min stuck), st-2 runs until
    // 1330 s.
    sim.advance(1215);  // the stall cleared: the next silence
    ASSERT_TRUE(has_emitted(d, "stall_cleared", "stuck", 5s)) << d.log_text();
    ASSERT_TRUE(
        wait_until([&] { return of_cluster(silences_of(am), "stuck", "active").size() == 1; }, 5s))
        << d.log_text();
    const am_silence second = of_cluster(silences_of(am), "stuck", "active").at(0);
    EXPECT_NE(second.id, first.id);
    EXPECT_NE(second.comment.find("1 of 2 nodes remaining (st-2)"), std::string::npos)
        << second.comment;

    sim.advance(120);  // st-2 finishes: the upgrade is over
    ASSERT_TRUE(has_emitted(d, "upgrade_finished", "stuck", 5s)) << d.log_text();
    ASSERT_TRUE(wait_until(
        [&] {
            const auto all = silences_of(am);
            return of_cluster(all, "stuck", "active").empty() &&
                   of_cluster(all, "stuck", "expired").size() == 2;
        },
        5s))
        << d.log_text();
    EXPECT_EQ(d.stop(), 0);
    const auto all = silences_of(am);
    EXPECT_EQ(all.size(), 3u) << "two for stuck (before and after its stall), one for failing";
    EXPECT_EQ(of_cluster(all, "failing").size(), 1u) << "a failing upgrade is never silenced again";
}

TEST(daemon_silence_test,
     a_cluster_removed_while_silenced_says_its_silence_stays_a_rename_keeps_it) {
    temp_dir dir;
    test::alertmanager_server am(dir.path() / "am");
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"stuck", "1037301", ""}, {"failing", "1037302", ""}};
    spec.extra = alertmanager_section(am);
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    ASSERT_TRUE(d.wait_polls("stuck", 2));
    sim.advance(30);  // both upgrades running, both silenced
    ASSERT_TRUE(both_silenced(am)) << d.log_text() << am.log();
    const std::string failing_id = of_cluster(silences_of(am), "failing", "active").at(0).id;

    // `stuck` renamed (same instance number: the same cluster), `failing` removed.
    spec.clusters = {{"stuck-renamed", "1037301", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    d.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] { return d.log_text().find("reloaded: 1 cluster(s) added") != std::string::npos; }, 5s))
        << d.log_text();
    const std::string log = d.log_text();
    EXPECT_NE(log.find("cluster failing: no longer watched, and its Alertmanager silence " +
                       failing_id + " stays until "),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("cluster stuck: no longer watched, and its Alertmanager silence"),
              std::string::npos)
        << "a rename is the same cluster: its silence is still looked after\n"
        << log;
    ASSERT_TRUE(d.wait_polls("stuck-renamed", 2)) << d.log_text();
    const auto all = silences_of(am);
    EXPECT_EQ(of_cluster(all, "stuck", "active").size(), 1u) << "the renamed cluster's silence";
    EXPECT_EQ(of_cluster(all, "failing", "active").size(), 1u) << "left to lapse at its endsAt";
    EXPECT_EQ(d.stop(), 0);
}

// "Thu": the day three days from today (UTC), so that no window of that day covers now
// even when the test runs across midnight.
std::string day_not_today() {
    static const char* names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    const auto today = std::chrono::weekday(
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    return names[(today + std::chrono::days(3)).c_encoding()];
}

TEST(daemon_silence_test, an_upgrade_outside_its_windows_is_unplanned_once_across_restarts) {
    temp_dir dir;
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"stuck", "1037301", "labels: {env: prod}"}, {"failing", "1037302", ""}};
    spec.extra =
        "maintenance:\n"
        "  - name: prod-weekly\n"
        "    labels: {env: prod}\n"
        "    weekly: \"" +
        day_not_today() +
        " 02:00-05:00\"\n"
        "    time_zone: UTC\n"
        "  - name: always\n"
        "    clusters: [failing]\n"
        "    weekly: [\"Mon 00:00-24:00\", \"Tue 00:00-24:00\", \"Wed 00:00-24:00\",\n"
        "             \"Thu 00:00-24:00\", \"Fri 00:00-24:00\", \"Sat 00:00-24:00\",\n"
        "             \"Sun 00:00-24:00\"]\n"
        "    time_zone: Asia/Seoul\n";
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    std::string logs;
    {
        daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon1.log");
        ASSERT_TRUE(d.wait_polls("stuck", 2)) << d.log_text();
        sim.advance(30);
        ASSERT_TRUE(has_emitted(d, "upgrade_unplanned", "stuck", 10s)) << d.log_text();
        ASSERT_TRUE(has_emitted(d, "upgrade_started", "failing", 10s)) << d.log_text();
        EXPECT_EQ(d.stop(), 0);
        logs += d.log_text();
    }
    {
        daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon2.log");
        ASSERT_TRUE(d.wait_polls("stuck", 3)) << d.log_text();
        EXPECT_EQ(d.stop(), 0);
        logs += d.log_text();
    }
    const auto events = emitted_events(logs);
    EXPECT_EQ(count(events, "upgrade_unplanned", "stuck"), 1u) << logs;
    EXPECT_EQ(count(events, "upgrade_started", "stuck"), 1u);
    EXPECT_EQ(count(events, "upgrade_unplanned", "failing"), 0u) << "inside its window";
    EXPECT_NE(logs.find("event=upgrade_unplanned cluster=stuck"), std::string::npos) << logs;
}

int kills_wanted() {
    const char* text = std::getenv("SESMON_SILENCE_KILLS");
    return text != nullptr ? std::max(1, std::atoi(text)) : 12;
}

TEST(daemon_silence_test, sigkills_during_an_upgrade_leave_one_silence_and_expire_it) {
    const int kills = kills_wanted();
    temp_dir dir;
    test::alertmanager_server am(dir.path() / "am");
    // ≈ 15 s of upgrade at 60×; the long version plays it slower so that every kill falls in it.
    simulator sim(dir.path(), "config/scenarios/seed.yaml", kills > 20 ? 12 : 60);
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"cluster000", "1037001", ""}};
    spec.extra = alertmanager_section(am);
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));

    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> pause_ms(100, 900);
    std::size_t most_active = 0;
    int found_again = 0;  // runs that took over a silence made before a kill
    for (int run = 0; run < kills; ++run) {
        daemon_process d(dir.path() / "config.yaml",
                         dir.path() / ("daemon" + std::to_string(run) + ".log"));
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
        d.process().signal(SIGKILL);
        EXPECT_EQ(d.process().wait(5s), 128 + SIGKILL);
        found_again += d.log_text().find("found in Alertmanager") != std::string::npos;
        most_active =
            std::max(most_active, of_cluster(silences_of(am), "cluster000", "active").size());
    }
    EXPECT_LE(most_active, 1u) << "two silences of one upgrade at once";

    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon-final.log");
    ASSERT_TRUE(wait_until(
        [&] {
            const auto all = of_cluster(silences_of(am), "cluster000");
            return all.size() == 1 && all[0].state == "expired";
        },
        60s))
        << d.log_text() << am.silences_json().value_or("(no answer)");
    EXPECT_EQ(d.stop(), 0);
    std::cout << kills << " kills: one silence, expired at the finish; " << found_again
              << " run(s) found it again by its marker\n";
}

}  // namespace
}  // namespace sesmon::daemon_test
