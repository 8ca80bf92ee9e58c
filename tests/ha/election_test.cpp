// election against a real etcd with short leases (2-3 s): who leads, how fast a standby
// takes over (resign, crash, deleted key), the gate after a pause and during an etcd outage.
#include "ha/election.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <iostream>
#include <sstream>
#include <thread>

#include "support/etcd_server.hpp"
#include "support/run_awaitable.hpp"
#include "support/test_certs.hpp"

namespace sesmon::ha {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// One member: its etcd client, its election, and what the observer saw.
struct member {
    member(boost::asio::io_context& io, const std::string& endpoint, const std::string& name,
           duration ttl, std::ostream& log_out)
        : client(io.get_executor(), {{endpoint}, {}, "", {}}),
          log(std::make_shared<spdlog::logger>(
              name, std::make_shared<spdlog::sinks::ostream_sink_st>(log_out))),
          e(io.get_executor(), client, clock, {"/g/leader", name, ttl}, log) {}

    void start() {
        e.start({[this](const term& t) { elected.push_back(t); },
                 [this](const std::string& why) { deposed.push_back(why); }, [] {}});
    }
    bool leads() const { return e.status().current == role::leader; }

    sesmon::system_clock clock;
    etcd_client client;
    std::shared_ptr<spdlog::logger> log;
    election e;
    std::vector<term> elected;
    std::vector<std::string> deposed;
};

class election_test : public ::testing::Test {
  protected:
    std::unique_ptr<member> add(const std::string& name, duration ttl = 2s) {
        return std::make_unique<member>(io_, etcd_->endpoint(), name, ttl, log_);
    }
    // Runs the loop until `done` holds; false after `limit`.
    bool run_until(const std::function<bool()>& done, duration limit = 10s) {
        const auto deadline = steady::now() + limit;
        while (!done()) {
            if (steady::now() > deadline)
                return false;
            io_.restart();
            io_.run_for(5ms);
        }
        return true;
    }
    void run_for(duration d) {
        io_.restart();
        io_.run_for(d);
    }
    std::optional<key_value> leader_key() {
        etcd_client c(io_.get_executor(), {{etcd_->endpoint()}, {}, "", {}});
        auto r = sesmon::test::run_awaitable(io_, c.range({"/g/leader"}, 2s));
        if (!r || r->kvs.empty())
            return std::nullopt;
        return r->kvs.front();
    }

    sesmon::test::temp_dir dir_;
    std::unique_ptr<sesmon::test::etcd_server> etcd_ =
        std::make_unique<sesmon::test::etcd_server>(dir_.path() / "etcd");
    boost::asio::io_context io_;
    std::ostringstream log_;
};

TEST_F(election_test, a_lone_member_leads_and_holds_the_key_with_its_lease) {
    auto a = add("a");
    a->start();
    ASSERT_TRUE(run_until([&] { return a->e.may_act(); })) << log_.str();
    ASSERT_EQ(a->elected.size(), 1u);
    const auto key = leader_key();
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "a");
    EXPECT_EQ(key->lease, a->elected[0].lease);
    EXPECT_EQ(key->create_revision, a->elected[0].leader_revision);
    EXPECT_EQ(a->e.status().leader, "a");
    EXPECT_EQ(a->e.status().problem, "");
    // It keeps leading past the TTL: the keep-alive works.
    run_for(3s);
    EXPECT_TRUE(a->e.may_act()) << log_.str();
    EXPECT_TRUE(a->deposed.empty());
}

TEST_F(election_test, the_second_member_is_standby_and_knows_the_leader) {
    auto a = add("a");
    a->start();
    ASSERT_TRUE(run_until([&] { return a->leads(); }));
    auto b = add("b");
    b->start();
    ASSERT_TRUE(run_until([&] { return b->e.status().leader == "a"; })) << log_.str();
    EXPECT_EQ(b->e.status().current, role::standby);
    EXPECT_FALSE(b->e.may_act());
    EXPECT_FALSE(b->e.current_term());
}

TEST_F(election_test, resign_hands_over_at_once) {
    auto a = add("a", 3s);
    a->start();
    ASSERT_TRUE(run_until([&] { return a->leads(); }));
    auto b = add("b", 3s);
    b->start();
    ASSERT_TRUE(run_until([&] { return b->e.status().leader == "a"; }));
    const auto began = steady::now();
    sesmon::test::run_awaitable(io_, a->e.resign());
    EXPECT_FALSE(a->e.may_act());
    // b polls the key every ttl/6 (0.5 s) here; the group watch wakes it sooner in the daemon.
    ASSERT_TRUE(run_until([&] { return b->e.may_act(); }, 3s)) << log_.str();
    EXPECT_LT(steady::now() - began, 1500ms);
    EXPECT_NE(log_.str().find("HA: member a resigned: lease"), std::string::npos);
}

TEST_F(election_test, leader_key_deletion_told_by_the_watch_starts_a_campaign_at_once) {
    // A 6 s lease: checks every second, so "at once" (the watch) and "at the next check"
    // (no watch) are 0.9 s apart, and the bound below has 0.3 s of slack for a loaded machine.
    auto b = add("b", 6s);
    auto a = add("a", 6s);
    a->start();
    ASSERT_TRUE(run_until([&] { return a->leads(); }));
    b->start();
    ASSERT_TRUE(run_until([&] { return b->e.status().leader == "a"; }));
    run_for(100ms);  // b is asleep until its next check, 0.9 s away
    sesmon::test::run_awaitable(io_, a->e.resign());
    b->e.leader_key_changed(std::nullopt, 1);
    const auto began = steady::now();
    ASSERT_TRUE(run_until([&] { return b->e.may_act(); }, 3s));
    EXPECT_LT(steady::now() - began, 600ms);
}

TEST_F(election_test, a_crashed_leader_is_replaced_within_the_ttl) {
    auto a = add("a");
    a->start();
    ASSERT_TRUE(run_until([&] { return a->leads(); }));
    auto b = add("b");
    b->start();
    ASSERT_TRUE(run_until([&] { return b->e.status().leader == "a"; }));
    a->e.stop();  // no more keep-alives, no revoke: a crash as etcd sees it
    const auto began = steady::now();
    ASSERT_TRUE(run_until([&] { return b->e.may_act(); }, 6s)) << log_.str();
    // TTL 2 s; etcd checks for expired leases every 0.5 s; b looks every 1/3 s.
    EXPECT_LT(steady::now() - began, 2s + 1s);
}

TEST_F(election_test, deleting_the_leader_key_deposes_the_leader) {
    auto a = add("a");
    a->start();
    ASSERT_TRUE(run_until([&] { return a->leads(); }));
    a->e.leader_key_changed(std::nullopt, a->elected[0].leader_revision - 1);  // older news
    EXPECT_TRUE(a->e.may_act());
    a->e.leader_key_changed(std::nullopt, a->elected[0].leader_revision + 1);  // the watch's
    EXPECT_FALSE(a->e.may_act());
    ASSERT_EQ(a->deposed.size(), 1u);
    EXPECT_EQ(a->deposed[0], "the leader key was deleted");
    // Its lease is revoked (the key with it), and it campaigns again.
    ASSERT_TRUE(run_until([&] { return a->elected.size() == 2; })) << log_.str();
    EXPECT_NE(a->elected[1].lease, a->elected[0].lease);
}

// Issue 21: an operator deleting the leader key (etcdctl del) while the lease lives. The standby
// campaigns as soon as it sees the key gone; the leader, told by no watch here, must end its
// term at its next renewal, not act on beside the new leader for as long as its lease lives.
TEST_F(election_test,
       a_leader_key_deleted_while_its_lease_lives_ends_the_term_at_the_next_renewal) {
    auto a = add("a", 3s);
    a->start();
    ASSERT_TRUE(run_until([&] { return a->leads(); }));
    auto b = add("b", 3s);
    b->start();
    ASSERT_TRUE(run_until([&] { return b->e.status().leader == "a"; }));
    etcd_client operator_cli(io_.get_executor(), {{etcd_->endpoint()}, {}, "", {}});
    const auto removed =
        sesmon::test::run_awaitable(io_, operator_cli.remove({"/g/leader", ""}, 2s));
    ASSERT_TRUE(removed);
    const auto deleted = steady::now();
    b->e.leader_key_changed(std::nullopt, removed->header.revision);  // b's watch: it campaigns
    // Both act for at most one renewal period (ttl/6 = 0.5 s) and a request.
    duration both_acted{0};
    auto last = steady::now();
    ASSERT_TRUE(run_until(
        [&] {
            const auto now = steady::now();
            if (a->e.may_act() && b->e.may_act())
                both_acted += std::chrono::duration_cast<duration>(now - last);
            last = now;
            return !a->deposed.empty() && b->e.may_act();
        },
        3s))
        << log_.str();
    // Found by the renewal's read: gone, or b's already.
    EXPECT_TRUE(a->deposed[0].find("the leader key was deleted") != std::string::npos ||
                a->deposed[0].find("member b holds the leader key now") != std::string::npos)
        << a->deposed[0];
    EXPECT_LT(steady::now() - deleted, 500ms + 500ms) << log_.str();
    EXPECT_LE(both_acted, 500ms + 200ms) << log_.str();
    EXPECT_FALSE(a->e.may_act()) << log_.str();
    std::cout << "deposed " << (steady::now() - deleted) / 1ms << " ms after the deletion; both "
              << "acted for " << both_acted.count() << " ms\n";
}

// The same for a key rewritten in place (etcdctl put): same create_revision, not ours.
TEST_F(election_test, a_leader_key_rewritten_while_its_lease_lives_ends_the_term) {
    auto a = add("a", 3s);
    a->start();
    ASSERT_TRUE(run_until([&] { return a->leads(); }));
    etcd_client operator_cli(io_.get_executor(), {{etcd_->endpoint()}, {}, "", {}});
    ASSERT_TRUE(sesmon::test::run_awaitable(io_, operator_cli.put({"/g/leader", "x", 0}, 2s)));
    ASSERT_TRUE(run_until([&] { return !a->deposed.empty(); }, 2s)) << log_.str();
    EXPECT_NE(a->deposed[0].find("rewritten"), std::string::npos) << a->deposed[0];
}

TEST_F(election_test, a_failed_fenced_write_deposes_only_for_the_current_term) {
    auto a = add("a");
    a->start();
    ASSERT_TRUE(run_until([&] { return a->leads(); }));
    const term t = a->elected.at(0);
    a->e.fenced_out(term{t.lease, t.leader_revision - 1});  // an older term: ignored
    EXPECT_TRUE(a->e.may_act());
    a->e.fenced_out(t);
    EXPECT_FALSE(a->e.may_act());
    EXPECT_EQ(a->deposed.size(), 1u);
}

TEST_F(election_test, after_a_pause_past_half_the_ttl_the_gate_stays_closed_until_renewed) {
    auto a = add("a", 3s);
    a->start();
    ASSERT_TRUE(run_until([&] { return a->e.may_act(); }));
    // The whole process stops (as under SIGSTOP): no timer, no keep-alive runs.
    std::this_thread::sleep_for(1700ms);
    // Awake again, before anything ran: the gate is already closed.
    EXPECT_FALSE(a->e.may_act());
    EXPECT_EQ(a->e.status().current, role::leader);
    EXPECT_NE(a->e.status().problem.find("leadership not confirmed"), std::string::npos);
    // The lease (3 s) is still alive: the next renewal confirms it and the gate opens.
    ASSERT_TRUE(run_until([&] { return a->e.may_act(); }, 2s)) << log_.str();
    EXPECT_TRUE(a->deposed.empty());
}

// Issue 21: a poll or a delivery that reached the closed gate after such a pause waited for a
// wake-up that only a depose, a stop or the end of a renewal failure gave: the leader kept
// its lease and never acted again. Every confirmed renewal releases the waiters.
TEST_F(election_test, a_waiter_at_the_gate_after_a_pause_is_released_by_the_next_renewal) {
    auto a = add("a", 3s);
    a->start();
    ASSERT_TRUE(run_until([&] { return a->e.may_act(); }));
    std::this_thread::sleep_for(1700ms);  // as under SIGSTOP: past ttl/2, within the TTL
    ASSERT_FALSE(a->e.may_act());
    std::optional<bool> opened;
    boost::asio::co_spawn(io_, a->e.until_may_act(),
                          [&](std::exception_ptr, bool o) { opened = o; });
    ASSERT_TRUE(run_until([&] { return opened.has_value(); }, 2s))
        << "the waiter was never released\n"
        << log_.str();
    EXPECT_TRUE(*opened);
    EXPECT_TRUE(a->e.may_act());
    EXPECT_TRUE(a->deposed.empty());
}

TEST_F(election_test, a_pause_past_the_ttl_ends_the_term_when_etcd_says_the_lease_is_gone) {
    auto a = add("a");
    a->start();
    ASSERT_TRUE(run_until([&] { return a->e.may_act(); }));
    std::this_thread::sleep_for(3500ms);  // paused past TTL 2 s and etcd's expiry check
    // Something that waits for the gate (a delivery, a poll) when the process wakes up.
    bool gate_opened_after_wake = true;
    bool waiting_done = false;
    boost::asio::co_spawn(io_, a->e.until_may_act(), [&](std::exception_ptr, bool opened) {
        gate_opened_after_wake = opened;
        waiting_done = true;
    });
    ASSERT_TRUE(run_until([&] { return !a->deposed.empty(); })) << log_.str();
    EXPECT_NE(a->deposed[0].find("is gone"), std::string::npos) << a->deposed[0];
    ASSERT_TRUE(run_until([&] { return waiting_done; }));
    EXPECT_FALSE(gate_opened_after_wake);  // the waiter learnt the term ended
}

TEST_F(election_test, etcd_down_closes_the_gate_at_half_the_ttl_and_deposes_at_the_ttl) {
    auto a = add("a", 3s);
    a->start();
    ASSERT_TRUE(run_until([&] { return a->e.may_act(); }));
    etcd_->stop();
    const auto stopped = steady::now();
    ASSERT_TRUE(run_until([&] { return !a->e.may_act(); }, 3s));
    EXPECT_LE(steady::now() - stopped, 1500ms + 200ms);
    ASSERT_TRUE(run_until([&] { return !a->deposed.empty(); }, 5s)) << log_.str();
    EXPECT_GE(steady::now() - stopped, 1500ms);
    EXPECT_NE(a->e.status().problem.find("etcd unreachable"), std::string::npos);
    EXPECT_EQ(a->e.status().current, role::unknown);
    // One warning for the whole outage.
    const std::string text = log_.str();
    const auto first = text.find("HA: member a: etcd unreachable");
    ASSERT_NE(first, std::string::npos) << text;
    EXPECT_EQ(text.find("HA: member a: etcd unreachable", first + 1), std::string::npos) << text;

    etcd_->start();
    ASSERT_TRUE(run_until([&] { return a->e.may_act(); }, 10s)) << log_.str();
    // "answers again" once etcd answered steadily for ttl/3 (1 s here: two renewals).
    ASSERT_TRUE(run_until(
        [&] { return log_.str().find("HA: member a: etcd answers again") != std::string::npos; },
        3s))
        << log_.str();
    EXPECT_EQ(a->e.status().problem, "");
}

TEST_F(election_test, a_restarted_member_revokes_its_earlier_runs_key_instead_of_waiting) {
    {
        auto first_run = add("a", 10s);
        first_run->start();
        ASSERT_TRUE(run_until([&] { return first_run->leads(); }));
        first_run->e.stop();  // killed: the key stays for its 10 s lease
        ASSERT_TRUE(run_until([&] { return !first_run->e.running(); }));  // its loop ended
    }
    run_for(50ms);
    ASSERT_TRUE(leader_key());
    auto second_run = add("a", 10s);
    second_run->start();
    const auto began = steady::now();
    ASSERT_TRUE(run_until([&] { return second_run->e.may_act(); }, 5s)) << log_.str();
    EXPECT_LT(steady::now() - began, 3s);
    EXPECT_NE(log_.str().find("names this member from an earlier run"), std::string::npos);
}

TEST_F(election_test,
       two_live_processes_under_one_member_name_settle_instead_of_deposing_each_other) {
    auto first = add("a");
    first->start();
    ASSERT_TRUE(run_until([&] { return first->leads(); }));
    // A copy of the same configuration: the second takes the key for its earlier run's
    // (once), the first then sees a key made since it started, on a lease it never had.
    auto second = add("a");
    second->start();
    ASSERT_TRUE(run_until([&] { return second->leads(); }, 5s)) << log_.str();
    ASSERT_TRUE(run_until(
        [&] { return log_.str().find("another process leads as member a") != std::string::npos; },
        5s))
        << log_.str();
    const auto terms = first->elected.size() + second->elected.size();
    run_for(3s);  // more than the TTL: nobody revokes the other's lease any more
    EXPECT_TRUE(second->leads()) << log_.str();
    EXPECT_FALSE(first->leads());
    EXPECT_EQ(first->elected.size() + second->elected.size(), terms) << log_.str();
    const auto line = log_.str().find("another process leads as member a");
    EXPECT_EQ(log_.str().find("another process leads as member a", line + 1), std::string::npos)
        << "logged more than once\n"
        << log_.str();
}

}  // namespace
}  // namespace sesmon::ha
