// fleet_query: the parameters of /api/v1/clusters, the filters, the three orders, keyset
// paging that neither loses nor repeats a cluster, and the page's validator.
#include "web/fleet_query.hpp"

#include <gtest/gtest.h>

#include <set>

#include "common/time_format.hpp"

namespace sesmon::web {
namespace {

const wall_time query_t0 = *common::parse_rfc3339("2026-11-26T20:00:00Z");
using std::chrono::minutes;

fleet_query query(std::string_view target) {
    auto parsed = parse_fleet_query(target);
    EXPECT_TRUE(parsed.query) << target << ": " << parsed.error;
    return parsed.query.value_or(fleet_query{});
}

std::vector<std::string> names(const fleet_page& page) {
    std::vector<std::string> out;
    for (const auto* e : page.items)
        out.push_back(e->row.name);
    return out;
}

// A fleet with every state, two teams, and ETAs / stall times that order it.
class fleet_query_test : public ::testing::Test {
  protected:
    fleet_query_test() {
        add("up-late", up(query_t0 + minutes(50)), {{"team", "search"}});
        add("up-soon", up(query_t0 + minutes(5)), {{"team", "logs"}});
        add("up-none", up(std::nullopt), {{"team", "search"}});
        state_facts st = up(std::nullopt).facts;
        st.stalled = true;
        add_row("stalled-new", st, query_t0 - minutes(10), {{"team", "search"}, {"env", "prod"}});
        add_row("stalled-old", st, query_t0 - minutes(90), {{"team", "logs"}});
        state_facts failed;
        failed.failed = true;
        add_row("failed-1", failed, std::nullopt, {});
        state_facts blind;
        blind.blind = true;
        add_row("blind-1", blind, query_t0 - minutes(20), {{"team", "search"}});
        state_facts done;
        done.finished_at = query_t0 - minutes(30);
        add_row("done-recent", done, std::nullopt, {});
        done.finished_at = query_t0 - minutes(300);
        add_row("done-earlier", done, std::nullopt, {});
        add_row("idle-b", {}, std::nullopt, {{"team", "search"}});
        add_row("Idle-A", {}, std::nullopt, {});
    }

    struct upgrading_row {
        state_facts facts;
        std::optional<wall_time> eta;
    };
    static upgrading_row up(std::optional<wall_time> eta) {
        upgrading_row r;
        r.facts.upgrading = true;
        r.eta = eta;
        return r;
    }
    void add(std::string name, upgrading_row u, label_set labels) {
        fleet_row r;
        r.name = std::move(name);
        r.instance_no = "10370" + std::to_string(index_.size());
        r.facts = u.facts;
        r.eta = u.eta;
        r.labels = std::move(labels);
        index_.update(std::move(r), false, query_t0);
    }
    void add_row(std::string name, state_facts facts, std::optional<wall_time> since,
                 label_set labels) {
        fleet_row r;
        r.name = std::move(name);
        r.instance_no = "10370" + std::to_string(index_.size());
        r.facts = facts;
        r.since = since;
        r.labels = std::move(labels);
        index_.update(std::move(r), false, query_t0);
    }

    fleet_page run(std::string_view target) {
        const auto page = run_query(index_, query(target));
        EXPECT_TRUE(page) << target;
        return page.value_or(fleet_page{});
    }

    fleet_index index_{1};
};

TEST_F(fleet_query_test, without_fleet_parameters_it_is_the_whole_document) {
    EXPECT_TRUE(parse_fleet_query("/api/v1/clusters").whole_document);
    EXPECT_TRUE(parse_fleet_query("/api/v1/clusters?").whole_document);
    EXPECT_TRUE(parse_fleet_query("/api/v1/clusters?pretty=0").whole_document);
    EXPECT_FALSE(parse_fleet_query("/api/v1/clusters?limit=5").whole_document);
}

TEST_F(fleet_query_test, bad_parameters_say_what_is_wrong) {
    const auto error = [](std::string_view target) { return parse_fleet_query(target).error; };
    EXPECT_EQ(error("/x?state=stuck"),
              "state \"stuck\": expected failed, stalled, blind, upgrading, finished or idle");
    EXPECT_EQ(error("/x?label=team"), "label selector \"team\": expected key:value");
    EXPECT_EQ(error("/x?sort=size"), "sort \"size\": expected attention, name or eta");
    EXPECT_EQ(error("/x?limit=0"), "limit must be a whole number from 1 to 1000");
    EXPECT_EQ(error("/x?limit=1001"), "limit must be a whole number from 1 to 1000");
    EXPECT_EQ(error("/x?limit=ten"), "limit must be a whole number from 1 to 1000");
    EXPECT_EQ(error("/x?q=a&q=b"), "q given twice");
    EXPECT_EQ(error("/x?nodes=yes"), "nodes must be 0 or 1");
    EXPECT_EQ(error("/x?q=%zz"), "malformed %-escape in the query string");
    EXPECT_FALSE(run_query(index_, query("/x?cursor=garbage")));
    // A cursor of another sort is refused, not misread.
    const auto by_name = run("/x?sort=name&limit=2");
    ASSERT_FALSE(by_name.next_cursor.empty());
    EXPECT_FALSE(run_query(index_, query("/x?sort=eta&cursor=" + by_name.next_cursor)));
}

TEST_F(fleet_query_test, attention_order_is_failed_stalled_blind_upgrading_by_eta_then_the_rest) {
    EXPECT_EQ(names(run("/x?sort=attention")),
              (std::vector<std::string>{"failed-1", "stalled-old", "stalled-new", "blind-1",
                                        "up-soon", "up-late", "up-none", "done-recent",
                                        "done-earlier", "Idle-A", "idle-b"}));
    EXPECT_EQ(names(run("/x?limit=100")), names(run("/x?sort=attention")));  // the default
}

TEST_F(fleet_query_test, name_and_eta_orders) {
    EXPECT_EQ(names(run("/x?sort=name&limit=3")),
              (std::vector<std::string>{"Idle-A", "blind-1", "done-earlier"}));
    // Clusters without an expected finish come last, by name.
    EXPECT_EQ(names(run("/x?sort=eta&limit=4")),
              (std::vector<std::string>{"up-soon", "up-late", "Idle-A", "blind-1"}));
}

TEST_F(fleet_query_test, filters_by_state_label_and_text) {
    EXPECT_EQ(names(run("/x?state=stalled,failed")),
              (std::vector<std::string>{"failed-1", "stalled-old", "stalled-new"}));
    EXPECT_EQ(names(run("/x?state=blind&state=finished")),
              (std::vector<std::string>{"blind-1", "done-recent", "done-earlier"}));
    EXPECT_EQ(names(run("/x?label=team:search&state=upgrading")),
              (std::vector<std::string>{"up-late", "up-none"}));
    EXPECT_EQ(names(run("/x?label=team:search&label=env:prod")),
              (std::vector<std::string>{"stalled-new"}));
    EXPECT_EQ(names(run("/x?label=team%3Alogs&label=team:search&state=stalled")),
              (std::vector<std::string>{"stalled-old", "stalled-new"}));
    // q: a case-insensitive substring of the name or of the instance number.
    EXPECT_EQ(names(run("/x?q=IDLE")), (std::vector<std::string>{"Idle-A", "idle-b"}));
    const std::string instance = index_.find("blind-1")->row.instance_no;
    EXPECT_EQ(names(run("/x?q=" + instance)), (std::vector<std::string>{"blind-1"}));
    const auto none = run("/x?q=nothing+like+it");
    EXPECT_TRUE(none.items.empty());
    EXPECT_EQ(none.total, 0u);
    EXPECT_TRUE(none.next_cursor.empty());
}

TEST_F(fleet_query_test, pages_follow_each_other_without_loss_or_repeat_even_when_rows_change) {
    std::vector<std::string> seen;
    auto page = run("/x?limit=4");
    EXPECT_EQ(page.total, 11u);
    seen = names(page);
    ASSERT_FALSE(page.next_cursor.empty());
    // Between two pages a cluster on the first page changes state; the others keep coming.
    state_facts failed;
    failed.failed = true;
    fleet_row moved = index_.find("stalled-new")->row;
    moved.facts = failed;
    index_.update(moved, false, query_t0);
    while (!page.next_cursor.empty()) {
        page = run("/x?limit=4&cursor=" + page.next_cursor);
        for (const auto& n : names(page))
            seen.push_back(n);
    }
    EXPECT_EQ(seen.size(), 11u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 11u);
}

TEST_F(fleet_query_test, the_validator_changes_with_the_page_and_only_with_it) {
    const auto q = query("/x?state=upgrading&limit=2");
    const auto first = page_etag(*run_query(index_, q), q, "hdr");
    EXPECT_EQ(page_etag(*run_query(index_, q), q, "hdr"), first);
    EXPECT_EQ(first.substr(0, 3), "W/\"");
    EXPECT_EQ(first.size(), 20u);
    EXPECT_NE(page_etag(*run_query(index_, q), q, "other header"), first);
    // A cluster off the page changes (upgrading, but third by ETA): the page's validator
    // stays; the total and the next cursor are the same.
    index_.update(index_.find("up-none")->row, true, query_t0);
    EXPECT_EQ(page_etag(*run_query(index_, q), q, "hdr"), first);
    // A cluster on the page changes: it moves.
    index_.update(index_.find("up-soon")->row, true, query_t0);
    EXPECT_NE(page_etag(*run_query(index_, q), q, "hdr"), first);
}

}  // namespace
}  // namespace sesmon::web
