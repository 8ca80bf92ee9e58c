// An HA pair (SPEC §11) on a real etcd: two daemons of one group, the simulator playing the
// seed upgrade in virtual time (frozen, moved by the test) and receiving the webhooks. What
// the sink received is checked by scripts/lib/chaos_check.py (every transition delivered,
// none under two ids), plus the repeats each test allows. Lease TTLs are short (2 s) to
// keep the tests bounded. The fixture is ha_pair.hpp; a leader paused for a fraction of its
// lease is ha_pause_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "ha_pair.hpp"

namespace sesmon::daemon_test {
namespace {

TEST_F(ha_pair, sigkill_of_the_leader_mid_upgrade_standby_leads_within_the_ttl_nothing_lost) {
    start_pair();
    auto& a = member("a");
    auto& b = member("b");
    drive(a, 300);
    // A standby makes no API call.
    EXPECT_EQ(b.metric_sum("ses_upgrade_monitor_polls_total"), 0);
    // The kill lands while the leader handles the last step: polls, commits, deliveries.
    std::mt19937 rng(std::random_device{}());
    sim_->advance(20);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 150)(rng)));
    a.process().signal(SIGKILL);
    const auto killed = steady::now();
    ASSERT_EQ(a.process().wait(5s), 128 + SIGKILL);
    const auto received_before_kill = received();

    // lease_ttl (2 s) after the last renewal, which was before the kill; etcd looks for
    // expired leases every 500 ms; then a watch event, a campaign and a read of the group.
    // The remaining 500 ms are for a loaded test machine.
    ASSERT_TRUE(wait_until([&] { return leads(b); }, 10s)) << logs();
    const auto takeover = steady::now() - killed;
    EXPECT_LE(takeover, 3s) << logs();
    ASSERT_TRUE(b.wait_polls("cluster000", 1)) << logs();
    RecordProperty(
        "takeover_ms",
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(takeover).count()));
    EXPECT_NE(b.log_text().find("HA: member b leads the group"), std::string::npos);
    EXPECT_NE(b.log_text().find("HA: taking over: 1 cluster(s)"), std::string::npos) << logs();

    finish(b);
    const auto r = check();
    EXPECT_EQ(r.exit_code, 0) << r.output << logs();
    // Same-id repeats: only deliveries the dead leader had made (their results were not in
    // etcd yet), each once more.
    std::set<std::string> before;
    for (const auto& d : received_before_kill)
        before.insert(d.id);
    for (const auto& [id, n] : repeats()) {
        EXPECT_EQ(n, 2) << id;
        EXPECT_EQ(before.count(id), 1u) << "repeated, but not delivered before the kill: " << id;
    }
    std::cout << r.output << "takeover " << takeover / 1ms << " ms\n";
}

// SPEC §11: "a dead leader is replaced within lease_ttl + one polling interval" — measured
// from the SIGKILL to the standby's first poll, with a polling interval (1 s) that is not
// small against etcd's own granularity (it looks for expired leases every 500 ms).
TEST_F(ha_pair, a_dead_leader_is_replaced_within_the_ttl_plus_one_polling_interval) {
    polling_ = "{ interval: 1s, idle_interval: 1s, jitter: 0, max_backoff: 1s }";
    const auto bound = 2s + 1s;  // lease_ttl + polling.interval
    start_pair();
    auto& a = member("a");
    auto& b = member("b");
    ASSERT_EQ(b.metric_sum("ses_upgrade_monitor_polls_total"), 0);
    a.process().signal(SIGKILL);
    const auto killed = steady::now();
    ASSERT_TRUE(
        wait_until([&] { return b.metric_sum("ses_upgrade_monitor_polls_total") > 0; }, 10s))
        << logs();
    const auto replaced = steady::now() - killed;
    EXPECT_LE(replaced, bound) << logs();
    RecordProperty("replaced_ms", static_cast<int>(replaced / 1ms));
    std::cout << "kill to the new leader's first poll: " << replaced / 1ms << " ms (bound "
              << bound / 1ms << " ms)\n";
}

TEST_F(ha_pair, sigterm_hands_over_at_once_with_no_repeat) {
    start_pair("10s");  // a takeover well under the TTL is the resignation's doing
    auto& a = member("a");
    auto& b = member("b");
    drive(a, 300);
    sim_->advance(20);
    std::this_thread::sleep_for(50ms);
    a.process().signal(SIGTERM);
    const auto stopped = steady::now();
    ASSERT_TRUE(wait_until([&] { return leads(b); }, 10s)) << logs();
    const auto takeover = steady::now() - stopped;
    EXPECT_LE(takeover, 3s) << logs();
    EXPECT_EQ(a.process().wait(10s), 0);
    EXPECT_NE(a.log_text().find("HA: member a resigned"), std::string::npos) << logs();

    finish(b);
    const auto r = check();
    EXPECT_EQ(r.exit_code, 0) << r.output << logs();
    EXPECT_TRUE(repeats().empty()) << r.output << logs();
    std::cout << r.output << "handover " << takeover / 1ms << " ms\n";
}

// SPEC §12, invariant 2: a leader stopping gracefully while its receiver fails waits for its
// deliveries at most half a lease, not its 5 s grace: it polls nothing meanwhile and still
// holds the lease (scripts/faults seed 25, TTL 2 s: every cluster unpolled 4.6 s). What it
// could not deliver stays pending in the group, and the next leader delivers it.
TEST_F(ha_pair, sigterm_while_the_receiver_fails_hands_over_within_half_a_lease) {
    start_pair("2s");
    auto& a = member("a");
    auto& b = member("b");
    ASSERT_TRUE(http("POST", sim_->port(), "/_sim/hooks/fail",
                     R"({"name": "sink", "mode": "503", "seconds": 500})"))
        << logs();
    drive(a, 100);  // events that cannot be delivered now (the window is virtual seconds)
    a.process().signal(SIGTERM);
    const auto stopped = steady::now();
    ASSERT_TRUE(wait_until([&] { return leads(b); }, 10s)) << logs();
    const auto takeover = steady::now() - stopped;
    // Half the lease (1 s) for the deliveries, the flushes and the revocation; 1.5 s of slack
    // for a loaded machine: the 5 s grace alone would exceed it.
    EXPECT_LE(takeover, 2500ms) << logs();
    EXPECT_EQ(a.process().wait(10s), 0) << logs();
    finish(b);  // the receiver is back by now: b delivers what a left pending
    const auto r = check();
    EXPECT_EQ(r.exit_code, 0) << r.output << logs();
    std::cout << r.output << "handover " << takeover / 1ms << " ms\n";
}

// A standby's clusters are standby_views, which have no watcher; its stop must not look for
// one (it crashed there until the HA chaos run found it; the daemon now holds views apart).
TEST_F(ha_pair, sigterm_to_the_standby_exits_cleanly_and_the_leader_goes_on) {
    start_pair();
    auto& a = member("a");
    auto& b = member("b");
    b.process().signal(SIGTERM);
    EXPECT_EQ(b.process().wait(10s), 0) << logs();
    EXPECT_NE(b.log_text().find("stopped"), std::string::npos) << logs();
    EXPECT_TRUE(leads(a)) << logs();
    EXPECT_TRUE(a.wait_polls("cluster000", 2)) << logs();
    EXPECT_EQ(a.stop(), 0) << logs();
}

TEST_F(ha_pair, a_reload_adds_a_cluster_as_a_view_on_the_standby_and_to_polling_on_the_leader) {
    start_pair();
    auto& a = member("a");
    auto& b = member("b");
    extra_clusters_ = {{"cluster001", "1037999", ""}};  // unknown to the simulator: polls fail
    configure("b");
    b.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] { return b.log_text().find("reloaded: 1 cluster(s) added") != std::string::npos; },
        10s))
        << logs();
    const auto listed = http("GET", b.server_port(), "/api/v1/clusters").value_or("");
    EXPECT_NE(listed.find("\"cluster001\""), std::string::npos) << listed;
    EXPECT_EQ(b.log_text().find("cluster cluster001: watching"), std::string::npos) << logs();

    configure("a");
    a.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] {
            return a.log_text().find("cluster cluster001: watching instance 1037999") !=
                   std::string::npos;
        },
        10s))
        << logs();
    EXPECT_TRUE(a.wait_polls("cluster000", 2)) << logs();
    EXPECT_TRUE(leads(a)) << logs();
    EXPECT_EQ(b.stop(), 0) << logs();
    EXPECT_EQ(a.stop(), 0) << logs();
}

TEST_F(ha_pair, etcd_down_past_the_ttl_nobody_alerts_both_report_it_and_alerts_resume_after) {
    start_pair();
    auto& a = member("a");
    auto& b = member("b");
    drive(a, 300);
    const std::size_t before = settle();

    etcd_->stop();
    const auto down = steady::now();
    sim_->advance(120);  // nodes move on while nobody may alert
    for (auto* d : {&a, &b}) {
        ASSERT_TRUE(wait_until(
            [&] {
                const auto r = readyz(*d);
                return r && r->status == 503 &&
                       r->body.find("etcd unreachable") != std::string::npos &&
                       d->metric_sum("ses_upgrade_monitor_leader") == 0;
            },
            5s))
            << logs();
    }
    wait_until([&] { return steady::now() - down >= 3s; }, 5s);  // past the TTL (2 s)
    sim_->advance(60);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(received().size(), before) << "delivered while etcd was down\n" << logs();
    EXPECT_NE(a.log_text().find("HA: member a no longer leads"), std::string::npos) << logs();
    for (const std::string name : {"a", "b"}) {
        const auto text = member(name).log_text();
        const std::string line = "HA: member " + name + ": etcd unreachable";
        const auto first = text.find(line);
        ASSERT_NE(first, std::string::npos) << logs();
        EXPECT_EQ(text.find(line, first + 1), std::string::npos) << "logged twice\n" << logs();
    }

    etcd_->start();
    daemon_process* leader = nullptr;
    ASSERT_TRUE(wait_until(
        [&] {
            leader = leads(a) ? &a : leads(b) ? &b : nullptr;
            return leader != nullptr;
        },
        15s))
        << logs();
    ASSERT_TRUE(wait_until([&] { return received().size() > before; }, 10s)) << logs();
    finish(*leader);
    const auto r = check();
    EXPECT_EQ(r.exit_code, 0) << r.output << logs();
    EXPECT_TRUE(repeats().empty()) << r.output;
    for (const std::string name : {"a", "b"}) {
        EXPECT_NE(member(name).log_text().find("HA: member " + name + ": etcd answers again"),
                  std::string::npos)
            << logs();
    }
}

TEST_F(ha_pair, status_shows_the_members_role_and_the_current_leader) {
    configure("a");
    configure("b");
    const auto nobody = status("a");
    EXPECT_EQ(nobody.code, 0) << nobody.err;
    EXPECT_NE(nobody.out.find("HA group /sesmon/test: this member (a) is a standby; no member "
                              "leads (nobody polls or alerts)"),
              std::string::npos)
        << nobody.out;
    EXPECT_NE(nobody.err.find("no member leads the group: nobody polls or alerts"),
              std::string::npos)
        << nobody.err;
    EXPECT_NE(nobody.out.find("\n1 cluster: "), std::string::npos) << nobody.out;

    start_pair();
    const auto leader = status("a");
    EXPECT_EQ(leader.code, 0) << leader.err;
    EXPECT_NE(leader.out.find("HA group /sesmon/test: this member (a) leads\n"), std::string::npos)
        << leader.out;
    EXPECT_EQ(leader.err.find("HA group"), std::string::npos) << leader.err;

    const auto standby = status("b", {"--format", "json", "--all"});
    EXPECT_EQ(standby.code, 0) << standby.err;
    rapidjson::Document doc;
    doc.Parse(standby.out.c_str());
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("ha")) << standby.out;
    const auto& ha = doc["ha"];
    EXPECT_STREQ(ha["group"].GetString(), "/sesmon/test");
    EXPECT_STREQ(ha["member"].GetString(), "b");
    EXPECT_STREQ(ha["role"].GetString(), "standby");
    EXPECT_STREQ(ha["leader"].GetString(), "a");
    EXPECT_TRUE(ha["problem"].IsNull());
    ASSERT_EQ(doc["clusters"].GetArray().Size(), 1u) << standby.out;
    EXPECT_STREQ(doc["clusters"][0]["name"].GetString(), "cluster000");

    etcd_->stop();
    const auto unreachable = status("b", {"--all"});
    EXPECT_EQ(unreachable.code, 1) << unreachable.err;
    EXPECT_NE(unreachable.out.find("this member (b) has an unknown role: etcd unreachable"),
              std::string::npos)
        << unreachable.out;
    EXPECT_NE(unreachable.err.find("HA group /sesmon/test: etcd unreachable"), std::string::npos)
        << unreachable.err;
    // The API part still works: the poll's result is shown.
    EXPECT_NE(unreachable.out.find("cluster000"), std::string::npos) << unreachable.out;
}

TEST_F(ha_pair, a_paused_leader_delivers_nothing_after_it_wakes_until_it_checked_its_leadership) {
    start_pair();
    auto& a = member("a");
    auto& b = member("b");
    drive(a, 100);
    settle();
    // The sink refuses for 100 s of virtual time: a holds deliveries it retries every 300 ms.
    hooks_fail(R"({"name": "sink", "mode": "503", "seconds": 100})");
    sim_->advance(20);
    ASSERT_TRUE(wait_until([&] { return refused() >= 2; }, 10s)) << logs();

    a.process().signal(SIGSTOP);  // as a VM freeze: no timer, no renewal runs
    // A retry a wrote just before the freeze still reaches the sink: let it be refused there
    // first. Otherwise the sink accepts it below, a reads the 200 when it wakes (logged as
    // delivered) and b delivers it again — the at-least-once case of a delivery in flight at
    // a fault, not what this test is about (it failed so once under ASan in CI). a retries
    // every 300 ms: a second without a new refusal means nothing of a's is in flight.
    for (std::size_t before = refused(), i = 0; i < 10; ++i) {
        std::this_thread::sleep_for(1s);
        const std::size_t now = refused();
        if (now == before)
            break;
        before = now;
    }
    sim_->advance(100);  // the sink accepts again
    ASSERT_TRUE(wait_until([&] { return leads(b); }, 10s)) << logs();
    settle();
    const auto log_at_wake = a.log_text().size();
    a.process().signal(SIGCONT);
    // On waking, a's retry timers are all due; its gate is closed (no renewal confirmed for
    // more than ttl/2), and the renewal it then tries finds the lease gone.
    ASSERT_TRUE(wait_until(
        [&] {
            return a.log_text().find("HA: member a no longer leads", log_at_wake) !=
                   std::string::npos;
        },
        10s))
        << logs();
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(a.log_text().find("notify sink: delivered", log_at_wake), std::string::npos)
        << logs();
    EXPECT_TRUE(repeats().empty()) << logs();

    finish(b);
    const auto r = check();
    EXPECT_EQ(r.exit_code, 0) << r.output << logs();
    EXPECT_TRUE(repeats().empty()) << r.output;
}

}  // namespace
}  // namespace sesmon::daemon_test
