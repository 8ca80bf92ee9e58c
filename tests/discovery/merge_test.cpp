// The pure merge step: the known set across listings, what is watched and under which
// name, and why the rest is not.
#include "discovery/merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "common/label.hpp"

namespace sesmon::discovery {
namespace {

listed_entry allowed(std::string no, std::string name, std::string status = "running",
                     std::string region = "KR") {
    return {{std::move(no), std::move(name), std::move(status), "green", "2.14.0"},
            std::move(region),
            true};
}

listed_entry disallowed(std::string no, std::string name) {
    auto e = allowed(std::move(no), std::move(name));
    e.allowed = false;
    return e;
}

listing of(std::vector<listed_entry> entries) {
    return {std::move(entries), 1};
}

cluster_config configured(std::string name, std::string no) {
    cluster_config c;
    c.name = std::move(name);
    c.instance_no = std::move(no);
    c.region = "KR";
    return c;
}

discovery_config enabled(std::string include = "", std::string exclude = "") {
    discovery_config d;
    d.enabled = true;
    d.regions = {"KR"};
    d.include = std::move(include);
    d.exclude = std::move(exclude);
    return d;
}

std::vector<std::string> instance_numbers(const known_set& set) {
    std::vector<std::string> out;
    for (const auto& k : set)
        out.push_back(k.instance_no);
    return out;
}

std::vector<std::string> names_of(const std::vector<cluster_config>& watched) {
    std::vector<std::string> out;
    for (const auto& c : watched)
        out.push_back(c.name);
    return out;
}

watch_plan plan_for(const known_set& known, const discovery_config& d = enabled(),
                    const std::vector<cluster_config>& statics = {}) {
    return plan(known, d, filter_rules::from(d), statics);
}

// --- update_known -------------------------------------------------------------------------

TEST(discovery_merge_test, a_listing_adds_allowed_clusters_sorted_by_instance_number) {
    const auto u = update_known({}, of({allowed("100", "b"), allowed("99", "a", "running", "SGN"),
                                        disallowed("7", "secret")}));
    EXPECT_EQ(instance_numbers(u.known), (std::vector<std::string>{"99", "100"}));
    EXPECT_EQ(u.known[0], (known_cluster{"99", "SGN", "a", "", 0}));
    EXPECT_EQ(u.appeared.size(), 2u);
    ASSERT_EQ(u.disallowed.size(), 1u);
    EXPECT_EQ(u.disallowed[0].cluster.name, "secret");
    EXPECT_TRUE(u.gone.empty());
}

TEST(discovery_merge_test, a_cluster_is_dropped_only_after_two_consecutive_listings_without_it) {
    auto u1 = update_known({}, of({allowed("1", "a"), allowed("2", "b")}));
    auto u2 = update_known(u1.known, of({allowed("1", "a")}));
    EXPECT_EQ(instance_numbers(u2.known), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(u2.known[1].misses, 1);
    EXPECT_TRUE(u2.gone.empty());

    // Back in the next listing: the count starts again.
    auto u3 = update_known(u2.known, of({allowed("1", "a"), allowed("2", "b")}));
    EXPECT_EQ(u3.known[1].misses, 0);
    auto u4 = update_known(u3.known, of({allowed("1", "a")}));
    auto u5 = update_known(u4.known, of({allowed("1", "a")}));
    EXPECT_EQ(instance_numbers(u5.known), (std::vector<std::string>{"1"}));
    ASSERT_EQ(u5.gone.size(), 1u);
    EXPECT_EQ(u5.gone[0].instance_no, "2");
}

TEST(discovery_merge_test, clusters_being_created_or_removed_count_as_absent) {
    auto u1 = update_known({}, of({allowed("1", "a"), allowed("2", "b", "Creating"),
                                   allowed("3", "c", "changing"), allowed("4", "d", "error")}));
    EXPECT_EQ(instance_numbers(u1.known), (std::vector<std::string>{"1", "3", "4"}));
    auto u2 = update_known(u1.known, of({allowed("1", "a", "deleting"), allowed("3", "c")}));
    auto u3 = update_known(u2.known, of({allowed("1", "a", "return"), allowed("3", "c")}));
    EXPECT_EQ(instance_numbers(u3.known), (std::vector<std::string>{"3"}));
    EXPECT_EQ(u3.gone.size(), 2u);  // 1 (deleting, then return) and 4 (absent twice)
}

TEST(discovery_merge_test, a_known_cluster_listed_as_disallowed_is_revoked_at_once) {
    auto u1 = update_known({}, of({allowed("1", "a"), allowed("2", "b")}));
    auto u2 = update_known(u1.known, of({allowed("1", "a"), disallowed("2", "b")}));
    EXPECT_EQ(instance_numbers(u2.known), (std::vector<std::string>{"1"}));
    ASSERT_EQ(u2.revoked.size(), 1u);
    EXPECT_EQ(u2.revoked[0].instance_no, "2");
}

TEST(discovery_merge_test, unusable_and_repeated_instance_numbers_are_ignored) {
    const auto u = update_known(
        {}, of({allowed("", "a"), allowed("12ab", "b"), allowed(std::string(21, '1'), "c"),
                allowed("5", "first"), allowed("5", "second")}));
    ASSERT_EQ(u.known.size(), 1u);
    EXPECT_EQ(u.known[0].listed_name, "first");
}

TEST(discovery_merge_test, a_renamed_cluster_keeps_its_misses_reset_and_loses_its_name) {
    auto p = plan_for(update_known({}, of({allowed("1", "old")})).known);
    EXPECT_EQ(p.known[0].name, "old");
    auto u = update_known(p.known, of({allowed("1", "new", "running", "JPN")}));
    EXPECT_EQ(u.known[0], (known_cluster{"1", "JPN", "new", "", 0}));
    EXPECT_EQ(names_of(plan_for(u.known).watched), (std::vector<std::string>{"new"}));
}

TEST(discovery_merge_test, the_known_set_does_not_depend_on_listing_order) {
    std::vector<listed_entry> entries;
    for (int i = 0; i < 40; ++i)
        entries.push_back(allowed(std::to_string(1000 - i * 7), "c" + std::to_string(i % 5)));
    const auto expected = plan_for(update_known({}, of(entries)).known);
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        std::shuffle(entries.begin(), entries.end(), rng);
        const auto p = plan_for(update_known({}, of(entries)).known);
        EXPECT_EQ(p.known, expected.known);
        EXPECT_EQ(names_of(p.watched), names_of(expected.watched));
    }
}

// --- plan ---------------------------------------------------------------------------------

TEST(discovery_merge_test, watched_clusters_get_the_defaults_the_region_and_the_discovered_mark) {
    auto d = enabled();
    d.notify = {"ops"};
    d.polling.interval = std::chrono::seconds(7);
    d.stall.blind_timeout = std::chrono::minutes(3);
    d.labels = {{"team", "search"}, {"env", "prod"}};
    const auto known = update_known({}, of({allowed("1", "logs", "running", "SGN")})).known;
    const auto p = plan_for(known, d);
    ASSERT_EQ(p.watched.size(), 1u);
    const cluster_config& c = p.watched[0];
    EXPECT_EQ(c.name, "logs");
    EXPECT_EQ(c.instance_no, "1");
    EXPECT_EQ(c.region, "SGN");
    EXPECT_EQ(c.notify, (std::vector<std::string>{"ops"}));
    EXPECT_EQ(c.polling, d.polling);
    EXPECT_EQ(c.stall, d.stall);
    EXPECT_EQ(c.labels, d.labels);
    EXPECT_TRUE(c.discovered);
}

TEST(discovery_merge_test, include_searches_and_exclude_applies_after_it) {
    const auto known = update_known({}, of({allowed("1", "prod-logs"), allowed("2", "prod-tmp"),
                                            allowed("3", "dev-logs"), allowed("4", "PROD-x")}))
                           .known;
    EXPECT_EQ(names_of(plan_for(known, enabled("^prod-")).watched),
              (std::vector<std::string>{"prod-logs", "prod-tmp"}));
    EXPECT_EQ(names_of(plan_for(known, enabled("^prod-", "tmp$")).watched),
              (std::vector<std::string>{"prod-logs"}));
    EXPECT_EQ(names_of(plan_for(known, enabled("", "logs")).watched),
              (std::vector<std::string>{"prod-tmp", "PROD-x"}));
}

TEST(discovery_merge_test, a_static_cluster_wins_its_instance_number_and_its_name) {
    const auto known =
        update_known({}, of({allowed("1", "prod-logs"), allowed("2", "prod-logs-2")})).known;
    const auto p =
        plan_for(known, enabled(), {configured("mine", "1"), configured("prod-logs-2", "99")});
    EXPECT_EQ(names_of(p.watched), (std::vector<std::string>{"prod-logs-2-2"}));
    EXPECT_EQ(p.known[0].name, "");  // not watched by discovery
}

TEST(discovery_merge_test, clashing_names_are_made_unique_by_instance_number) {
    const auto known = update_known({}, of({allowed("30", "logs"), allowed("4", "logs"),
                                            allowed("200", "logs!"), allowed("5", "logs-30")}))
                           .known;
    // Instance order 4, 5, 30, 200: 4 takes "logs", 5 "logs-30", then 30 would be
    // "logs-30" (taken) and gets "logs-30-2"; 200 ("logs!" sanitizes to "logs") "logs-200".
    EXPECT_EQ(names_of(plan_for(known).watched),
              (std::vector<std::string>{"logs", "logs-30", "logs-30-2", "logs-200"}));
}

TEST(discovery_merge_test, names_already_given_stay_when_a_clashing_cluster_appears) {
    auto first = plan_for(update_known({}, of({allowed("50", "logs")})).known);
    EXPECT_EQ(first.known[0].name, "logs");
    // A cluster with a smaller instance number and the same name appears later.
    auto later = plan_for(
        update_known(first.known, of({allowed("50", "logs"), allowed("7", "logs")})).known);
    EXPECT_EQ(names_of(later.watched), (std::vector<std::string>{"logs-7", "logs"}));
    // ...and a static cluster that takes the name moves the discovered one aside.
    auto taken = plan_for(later.known, enabled(), {configured("logs", "999")});
    EXPECT_EQ(names_of(taken.watched), (std::vector<std::string>{"logs-7", "logs-50"}));
}

TEST(discovery_merge_test, include_change_watches_known_clusters_at_once) {
    const auto known = update_known({}, of({allowed("1", "a"), allowed("2", "b")})).known;
    EXPECT_EQ(names_of(plan_for(known, enabled("^a$")).watched), (std::vector<std::string>{"a"}));
    EXPECT_EQ(names_of(plan_for(known, enabled("^(a|b)$")).watched),
              (std::vector<std::string>{"a", "b"}));
}

// --- sanitize_name ------------------------------------------------------------------------

TEST(discovery_merge_test, names_are_sanitized_to_the_label_rules) {
    EXPECT_EQ(sanitize_name("prod-logs_1.2", "1"), "prod-logs_1.2");
    EXPECT_EQ(sanitize_name("my cluster (new)", "1"), "my-cluster-new");
    EXPECT_EQ(sanitize_name("--_x", "1"), "x");
    EXPECT_EQ(sanitize_name("로그 클러스터", "1037"), "cluster-1037");
    EXPECT_EQ(sanitize_name("검색-logs", "1"), "logs");
    EXPECT_EQ(sanitize_name("", "42"), "cluster-42");
    EXPECT_EQ(sanitize_name(std::string(70, 'a'), "1"), std::string(64, 'a'));
    EXPECT_EQ(sanitize_name(std::string(63, 'a') + " b", "1"), std::string(63, 'a'));
}

TEST(discovery_merge_test, every_watched_name_is_a_valid_unique_label) {
    std::vector<listed_entry> entries;
    const std::vector<std::string> keep{
        "a", "a", "A", "a b", "a-b", "", "!!", std::string(80, 'z'), "zz", "a-1", "-a", "a."};
    for (std::size_t i = 0; i < keep.size() * 3; ++i)
        entries.push_back(allowed(std::to_string(i + 1), keep[i % keep.size()]));
    const auto p = plan_for(update_known({}, of(entries)).known, enabled(),
                            {configured("a", "5000"), configured("a-1", "5001")});
    std::set<std::string> seen{"a", "a-1"};
    for (const auto& c : p.watched) {
        EXPECT_TRUE(common::valid_label(c.name)) << c.name;
        EXPECT_TRUE(seen.insert(c.name).second) << "twice: " << c.name;
    }
    EXPECT_EQ(p.watched.size(), entries.size());
}

TEST(discovery_merge_test, printable_keeps_api_text_on_one_line) {
    EXPECT_EQ(printable("prod logs (eu)"), "prod logs (eu)");
    EXPECT_EQ(printable("a\nb\rc\x1b[31m\x7f"), "a?b?c?[31m?");
    EXPECT_EQ(printable("검색"), "검색");
    EXPECT_EQ(printable(std::string(200, 'x')), std::string(128, 'x') + "...");
}

// --- judge --------------------------------------------------------------------------------

TEST(discovery_merge_test, judge_gives_every_listed_cluster_a_verdict) {
    const auto l = of({allowed("1", "prod-a"), allowed("2", "dev-b"), allowed("3", "prod-tmp"),
                       disallowed("4", "prod-secret"), allowed("5", "prod-new", "creating"),
                       allowed("6", "prod-mine"), allowed("", "prod-odd"), allowed("1", "prod-a")});
    const auto d = enabled("^prod-", "tmp");
    const auto v = judge(l, d, filter_rules::from(d), {configured("mine", "6")});
    ASSERT_EQ(v.size(), 8u);
    EXPECT_FALSE(v[0].skip);
    EXPECT_EQ(v[0].name, "prod-a");
    EXPECT_EQ(v[1].skip, skip_reason::not_included);
    EXPECT_EQ(v[2].skip, skip_reason::excluded);
    EXPECT_EQ(v[3].skip, skip_reason::disallowed);
    EXPECT_EQ(v[4].skip, skip_reason::not_ready);
    EXPECT_EQ(v[5].skip, skip_reason::configured);
    EXPECT_EQ(v[5].name, "mine");
    EXPECT_EQ(explain(*v[5].skip, v[5].name), "listed in clusters[] as mine");
    EXPECT_EQ(v[6].skip, skip_reason::no_instance_no);
    EXPECT_EQ(v[7].skip, skip_reason::duplicate);
}

TEST(discovery_merge_test, a_pattern_that_gives_up_skips_the_cluster_with_its_reason) {
    const auto d = enabled("(a+)+$");
    const std::string name = std::string(40, 'a') + "!";
    const auto rules = filter_rules::from(d);
    EXPECT_EQ(rules.check(name), skip_reason::pattern_gave_up);
    EXPECT_TRUE(plan_for(update_known({}, of({allowed("1", name)})).known, d).watched.empty());
}

}  // namespace
}  // namespace sesmon::discovery
