// The silence planner: what a cluster's silence should be as its upgrade goes on — created
// at the start, extended as the ETA moves later, ended by a finish, a stall, a failure or a
// vanish, the next one after a stall clears, and a new upgrade only after the old silence
// is known to be expired. Virtual time: every step gives `now`.
#include "silence/planner.hpp"

#include <gtest/gtest.h>

#include "common/time_format.hpp"

namespace sesmon::silence {
namespace {

using namespace std::chrono_literals;

class planner_test : public ::testing::Test {
  protected:
    planner_test() {
        am_.margin = 30min;
        am_.created_by = "ses-upgrade-monitor/m1";
        am_.matchers = {*parse_matcher(R"(cluster="{cluster}")"),
                        *parse_matcher(R"(instance=~"{nodes_regex}")")};
        context_.alertmanager = &am_;
        context_.cluster = {"prod-logs", "1037001", "KR", label_set{{"team", "search"}}, {}};
        context_.now = start_;
        facts_ = initial_facts();
    }

    upgrade_facts initial_facts() const {
        upgrade_facts f;
        f.upgrade_id = "u1";
        f.in_progress = true;
        f.from_version = "2140";
        f.to_version = "2150";
        f.nodes_total = 3;
        f.nodes = {"a", "b", "c"};
        f.remaining = {"a", "b", "c"};
        f.expected_finish = start_ + 36min;
        return f;
    }

    // One planner step at start_ + `at`.
    void step(duration at) {
        context_.now = start_ + std::chrono::duration_cast<std::chrono::seconds>(at);
        auto r = plan(record_, facts_, context_);
        record_ = std::move(r.record);
        note_ = std::move(r.note);
    }
    // What the manager reports after acting on the current version.
    void acted() {
        ASSERT_TRUE(record_);
        record_->applied = record_->version;
        record_->silence_id = "sid-" + std::to_string(record_->generation);
    }

    const wall_time start_ = *common::parse_rfc3339("2026-11-24T02:00:00Z");
    alertmanager_config am_;
    plan_context context_;
    upgrade_facts facts_;
    std::optional<silence_record> record_;
    std::string note_;
};

TEST_F(planner_test, an_upgrade_in_progress_gets_a_silence_until_its_eta_plus_margin) {
    step(0s);
    ASSERT_TRUE(record_);
    EXPECT_TRUE(record_->active);
    EXPECT_FALSE(record_->synced());
    EXPECT_EQ(record_->generation, 1u);
    EXPECT_EQ(record_->starts_at, start_);
    EXPECT_EQ(record_->ends_at, start_ + 36min + 30min);
    ASSERT_EQ(record_->matchers.size(), 2u);
    EXPECT_EQ(to_text(record_->matchers[0]), R"(cluster="prod-logs")");
    EXPECT_EQ(to_text(record_->matchers[1]), R"x(instance=~"(?:a|b|c)")x");
    EXPECT_EQ(record_->created_by, "ses-upgrade-monitor/m1");
    EXPECT_EQ(record_->comment,
              "ses-upgrade-monitor: prod-logs is upgrading 2140 \u2192 2150, 3 of 3 nodes "
              "remaining (a, b, c) [ses-upgrade-monitor upgrade=u1 silence=1]");
}

TEST_F(planner_test, the_end_moves_later_with_the_eta_but_never_earlier_nor_for_seconds) {
    struct row {
        duration now;
        duration eta;  // from start_
        duration want_end;
        std::uint64_t want_version;
    };
    const std::vector<row> rows = {
        {0s, 36min, 66min, 1},   {30s, 36min + 50s, 66min, 1},  // under a minute later: left alone
        {60s, 40min, 70min, 2},                                 // four minutes later: extended
        {90s, 20min, 70min, 2},                                 // earlier: never shortened
        {120s, 55min, 85min, 3},
    };
    for (const row& r : rows) {
        facts_.expected_finish = std::chrono::floor<std::chrono::seconds>(start_ + r.eta);
        step(r.now);
        ASSERT_TRUE(record_);
        EXPECT_EQ(record_->ends_at, start_ + r.want_end) << r.now.count();
        EXPECT_EQ(record_->version, r.want_version) << r.now.count();
        EXPECT_EQ(record_->matchers.size(), 2u);
        acted();
    }
}

TEST_F(planner_test, the_comment_follows_the_remaining_nodes) {
    step(0s);
    acted();
    facts_.remaining = {"b", "c"};
    facts_.nodes_complete = 1;
    step(60s);
    EXPECT_EQ(record_->version, 2u);
    EXPECT_NE(record_->comment.find("2 of 3 nodes remaining (b, c)"), std::string::npos)
        << record_->comment;
    // The matchers stay those of the start (an update in place keeps them).
    EXPECT_EQ(to_text(record_->matchers[1]), R"x(instance=~"(?:a|b|c)")x");
}

TEST_F(planner_test, finish_stall_failure_and_vanish_end_it) {
    struct row {
        std::string name;
        std::function<void(upgrade_facts&)> change;
        std::string ended_by;
        bool final;
    };
    const std::vector<row> rows = {
        {"finished",
         [](upgrade_facts& f) { f.in_progress = false, f.ended_by = "upgrade_finished"; },
         "upgrade_finished", false},
        {"vanished",
         [](upgrade_facts& f) { f.in_progress = false, f.ended_by = "upgrade_vanished"; },
         "upgrade_vanished", false},
        {"stalled", [](upgrade_facts& f) { f.stalled = true; }, "upgrade_stalled", false},
        {"failed", [](upgrade_facts& f) { f.failed = true; }, "upgrade_failed", true},
    };
    for (const row& r : rows) {
        record_.reset();
        facts_ = initial_facts();
        step(0s);
        acted();
        r.change(facts_);
        step(60s);
        ASSERT_TRUE(record_) << r.name;
        EXPECT_FALSE(record_->active) << r.name;
        EXPECT_EQ(record_->ended_by, r.ended_by) << r.name;
        EXPECT_EQ(record_->final, r.final) << r.name;
        EXPECT_EQ(record_->version, 2u) << r.name;
        EXPECT_FALSE(record_->synced()) << r.name;  // the manager must expire it
        EXPECT_EQ(record_->silence_id, "sid-1") << r.name;
    }
}

TEST_F(planner_test, after_a_stall_clears_the_next_silence_waits_for_the_old_one_to_end) {
    step(0s);
    acted();
    facts_.stalled = true;
    step(60s);
    EXPECT_FALSE(record_->active);
    facts_.stalled = false;  // cleared before Alertmanager heard of the end
    step(120s);
    EXPECT_FALSE(record_->active);
    EXPECT_EQ(record_->generation, 1u);
    acted();  // expired now
    step(180s);
    ASSERT_TRUE(record_);
    EXPECT_TRUE(record_->active);
    EXPECT_EQ(record_->generation, 2u);
    EXPECT_EQ(record_->silence_id, "");
    EXPECT_EQ(record_->applied, 0u);
    EXPECT_NE(record_->comment.find("silence=2]"), std::string::npos);
}

TEST_F(planner_test, a_failure_ends_silencing_for_the_whole_upgrade) {
    step(0s);
    acted();
    facts_.failed = true;
    step(60s);
    acted();
    facts_.failed = false;  // the node recovered
    step(120s);
    EXPECT_FALSE(record_->active);
    EXPECT_TRUE(record_->final);
    // Failed at first sight: no silence is ever made.
    record_.reset();
    facts_.failed = true;
    step(180s);
    ASSERT_TRUE(record_);
    EXPECT_FALSE(record_->active);
    EXPECT_TRUE(record_->synced());  // nothing for the manager to do
    facts_.failed = false;
    step(240s);
    EXPECT_FALSE(record_->active);
}

TEST_F(planner_test, a_new_upgrade_waits_until_the_old_silence_is_expired) {
    step(0s);
    acted();
    facts_.upgrade_id = "u2";  // vanished, and a new one began
    step(60s);
    ASSERT_TRUE(record_);
    EXPECT_EQ(record_->upgrade_id, "u1");
    EXPECT_FALSE(record_->active);
    EXPECT_EQ(record_->ended_by, "upgrade_replaced");
    acted();
    step(120s);
    EXPECT_EQ(record_->upgrade_id, "u2");
    EXPECT_TRUE(record_->active);
    EXPECT_EQ(record_->generation, 1u);
}

TEST_F(planner_test, a_cluster_the_templates_cannot_expand_for_gets_none_and_a_note) {
    am_.matchers = {*parse_matcher(R"(owner="{label:owner}")")};
    step(0s);
    EXPECT_FALSE(record_);
    EXPECT_NE(note_.find("needs label owner"), std::string::npos) << note_;
}

TEST_F(planner_test, without_alertmanager_nothing_changes) {
    context_.alertmanager = nullptr;
    step(0s);
    EXPECT_FALSE(record_);
}

}  // namespace
}  // namespace sesmon::silence
