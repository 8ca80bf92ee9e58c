// Routing (SPEC §5, §14), table-driven: without routes, the cluster's notify list and each
// notifier's events filter (today's rule); with routes, in order, first match wins unless
// `continue`, matched on labels, clusters, event types and severity — among the cluster's
// notify list, a notifier's own `events:` still applying, PagerDuty taking incidents only.
// And the severity of every event type.
#include "notify/routing.hpp"

#include <gtest/gtest.h>

#include <set>

#include "sample_event.hpp"

namespace sesmon::notify {
namespace {

notifier_config notifier(std::string name, std::vector<event_type> events = {},
                         bool given = false) {
    notifier_config n;
    n.name = std::move(name);
    n.type = notifier_type::webhook;
    n.events = std::move(events);
    n.events_given = given;
    return n;
}

event make(event_type type, std::string cluster, label_set labels, std::string stall_reason = "") {
    event e = test::simple_event("id", std::move(cluster), type);
    e.cluster.labels = std::move(labels);
    if (!stall_reason.empty())
        e.stall = stall_info{stall_reason, 60};
    return e;
}

TEST(severity_test, every_event_type_has_its_documented_severity) {
    struct row {
        event_type type;
        std::string stall;
        severity want;
    };
    const std::vector<row> rows = {
        {event_type::upgrade_failed, "", severity::critical},
        {event_type::monitor_blind, "", severity::critical},
        {event_type::upgrade_stalled, "node_stage_timeout", severity::critical},
        {event_type::upgrade_stalled, "no_progress_timeout", severity::critical},
        {event_type::upgrade_stalled, "slower_than_peers", severity::warning},
        {event_type::upgrade_unplanned, "", severity::warning},
        {event_type::upgrade_vanished, "", severity::warning},
        {event_type::upgrade_started, "", severity::info},
        {event_type::node_changed, "", severity::info},
        {event_type::upgrade_finished, "", severity::info},
        {event_type::stall_cleared, "slower_than_peers", severity::info},
        {event_type::monitor_recovered, "", severity::info},
        {event_type::monitor_degraded, "", severity::critical},
        {event_type::cluster_health_red, "", severity::critical},
        {event_type::recovery_stuck, "", severity::warning},
        {event_type::cluster_health_cleared, "", severity::info},
    };
    std::set<event_type> covered;
    for (const row& r : rows) {
        EXPECT_EQ(severity_of(make(r.type, "c", {}, r.stall)), r.want) << to_string(r.type);
        covered.insert(r.type);
    }
    EXPECT_EQ(covered.size(), std::size(all_event_types)) << "a type without a row";
    for (const severity s : all_severities)
        EXPECT_EQ(parse_severity(to_string(s)), s);
}

TEST(severity_test, a_digest_has_the_highest_severity_of_its_members) {
    event e = make(event_type::node_changed, "c", {});
    e.digest = {{"a", event_type::node_changed, {}, "", {}},
                {"b", event_type::upgrade_vanished, {}, "", {}}};
    EXPECT_EQ(severity_of(e), severity::warning);
}

struct route_case {
    std::string name;
    event_type type;
    std::string cluster;
    label_set labels;
    std::string stall;
    std::vector<std::string> want;
};

// One team's clusters to its chat, stalls and failures (critical) to the pager, the rest of
// the warnings to ops, everything also to the log.
class routing_test : public ::testing::Test {
  protected:
    routing_test() {
        notifiers_ = {notifier("search-chat"), notifier("pager"), notifier("ops"),
                      notifier("journal")};
        route_config chat;
        chat.labels = label_set{{"team", "search"}};
        chat.notifiers = {"search-chat"};
        chat.continue_matching = true;
        route_config pager;
        pager.severities = {severity::critical};
        pager.events = {event_type::upgrade_stalled, event_type::upgrade_failed};
        pager.notifiers = {"pager", "journal"};
        route_config warnings;
        warnings.severities = {severity::warning, severity::critical};
        warnings.notifiers = {"ops", "journal"};
        route_config rest;
        rest.notifiers = {"journal"};
        routes_ = {chat, pager, warnings, rest};
        everyone_ = {"search-chat", "pager", "ops", "journal"};
    }

    std::vector<notifier_config> notifiers_;
    std::vector<route_config> routes_;
    std::vector<std::string> everyone_;
};

TEST_F(routing_test, routes_are_tried_in_order_first_match_wins_unless_continue) {
    const label_set search{{"team", "search"}, {"env", "prod"}};
    const label_set logs{{"team", "logs"}};
    const std::vector<route_case> cases = {
        {"search stall: chat, then the pager route",
         event_type::upgrade_stalled,
         "a",
         search,
         "node_stage_timeout",
         {"search-chat", "pager", "journal"}},
        {"logs stall: pager",
         event_type::upgrade_stalled,
         "b",
         logs,
         "no_progress_timeout",
         {"pager", "journal"}},
        {"slower_than_peers is a warning: ops",
         event_type::upgrade_stalled,
         "b",
         logs,
         "slower_than_peers",
         {"ops", "journal"}},
        {"blind is critical but not a pager event: ops",
         event_type::monitor_blind,
         "b",
         logs,
         "",
         {"ops", "journal"}},
        {"unplanned is a warning",
         event_type::upgrade_unplanned,
         "b",
         logs,
         "",
         {"ops", "journal"}},
        {"info: the log", event_type::upgrade_finished, "b", logs, "", {"journal"}},
        {"search info: chat and the log",
         event_type::node_changed,
         "a",
         search,
         "",
         {"search-chat", "journal"}},
        {"search failure",
         event_type::upgrade_failed,
         "a",
         search,
         "",
         {"search-chat", "pager", "journal"}},
    };
    for (const route_case& c : cases) {
        EXPECT_EQ(route(notifiers_, routes_, make(c.type, c.cluster, c.labels, c.stall), everyone_),
                  c.want)
            << c.name;
    }
}

TEST_F(routing_test, the_cluster_notify_list_still_bounds_and_explicit_events_still_filter) {
    const event stall =
        make(event_type::upgrade_stalled, "a", {{"team", "search"}}, "node_stage_timeout");
    EXPECT_EQ(route(notifiers_, routes_, stall, {"journal"}), std::vector<std::string>{"journal"});
    EXPECT_TRUE(route(notifiers_, routes_, stall, {}).empty());
    // The pager takes failures only (its own events:); the default filter (no node_changed)
    // does not apply under routes: a route sending node_changed to the chat is obeyed.
    notifiers_[1] = notifier("pager", {event_type::upgrade_failed}, true);
    EXPECT_EQ(route(notifiers_, routes_, stall, everyone_),
              (std::vector<std::string>{"search-chat", "journal"}));
    notifiers_[1].type = notifier_type::webhook;
    notifiers_[1].format = webhook_format::pagerduty;
    notifiers_[1].events_given = false;
    EXPECT_EQ(route(notifiers_, routes_, make(event_type::upgrade_failed, "a", {}), everyone_),
              (std::vector<std::string>{"pager", "journal"}));
    // PagerDuty never gets what it cannot carry, whatever the routes say.
    route_config all_to_pager;
    all_to_pager.notifiers = {"pager"};
    EXPECT_TRUE(
        route(notifiers_, {all_to_pager}, make(event_type::node_changed, "a", {}), everyone_)
            .empty());
}

TEST_F(routing_test, no_route_matching_sends_nowhere_and_unknown_names_are_reported) {
    route_config only_failures;
    only_failures.events = {event_type::upgrade_failed};
    only_failures.notifiers = {"pager", "gone"};
    only_failures.clusters = {"a"};
    std::vector<std::string> unknown;
    EXPECT_TRUE(route(notifiers_, {only_failures}, make(event_type::upgrade_started, "a", {}),
                      everyone_, &unknown)
                    .empty());
    EXPECT_TRUE(route(notifiers_, {only_failures}, make(event_type::upgrade_failed, "b", {}),
                      everyone_, &unknown)
                    .empty());
    EXPECT_EQ(route(notifiers_, {only_failures}, make(event_type::upgrade_failed, "a", {}),
                    everyone_, &unknown),
              std::vector<std::string>{"pager"});
    EXPECT_EQ(unknown, std::vector<std::string>{"gone"});
}

TEST_F(routing_test, monitor_degraded_that_no_route_matches_goes_to_the_notify_list) {
    // Routes written for clusters' labels: the monitor's own alert (no labels, no history)
    // must not go nowhere.
    route_config team;
    team.labels = label_set{{"team", "search"}};
    team.notifiers = {"search-chat"};
    const event degraded = make(event_type::monitor_degraded, "ha:/ses-upgrade-monitor/prod", {});
    EXPECT_EQ(route(notifiers_, {team}, degraded, everyone_), everyone_);
    // A route that does match it decides, as for any event.
    route_config pager;
    pager.severities = {severity::critical};
    pager.notifiers = {"pager"};
    EXPECT_EQ(route(notifiers_, {team, pager}, degraded, everyone_),
              std::vector<std::string>{"pager"});
    // Other events keep the rule: unmatched goes nowhere.
    EXPECT_TRUE(
        route(notifiers_, {team}, make(event_type::upgrade_failed, "b", {}), everyone_).empty());
}

TEST(routing_without_routes_test, every_notifier_gets_what_its_events_say_as_before) {
    const std::vector<notifier_config> notifiers = {
        notifier("hook"), notifier("failures", {event_type::upgrade_failed}, true)};
    const std::vector<std::string> both = {"hook", "failures"};
    struct row {
        event_type type;
        std::vector<std::string> want;
    };
    const std::vector<row> rows = {
        {event_type::upgrade_started, {"hook"}},
        {event_type::node_changed, {}},  // the default filter leaves it out
        {event_type::upgrade_failed, {"hook", "failures"}},
        {event_type::upgrade_unplanned, {"hook"}},
    };
    for (const row& r : rows)
        EXPECT_EQ(route(notifiers, {}, make(r.type, "a", {}), both), r.want) << to_string(r.type);
    EXPECT_EQ(route(notifiers, {}, make(event_type::upgrade_failed, "a", {}), {"failures"}),
              std::vector<std::string>{"failures"});
}

}  // namespace
}  // namespace sesmon::notify
