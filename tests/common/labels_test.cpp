// Cluster labels (SPEC §13): the key and value rules, the set's order, and the two ways of
// matching — selectors (the API's label=, status --label) and contains_all (routes and
// maintenance windows).
#include "sesmon/labels.hpp"

#include <gtest/gtest.h>

namespace sesmon {
namespace {

TEST(labels_test, keys_are_lower_case_words_starting_with_a_letter) {
    EXPECT_TRUE(valid_label_key("team"));
    EXPECT_TRUE(valid_label_key("cost_center2"));
    EXPECT_TRUE(valid_label_key(std::string(63, 'a')));
    EXPECT_FALSE(valid_label_key(std::string(64, 'a')));
    EXPECT_FALSE(valid_label_key(""));
    EXPECT_FALSE(valid_label_key("Team"));
    EXPECT_FALSE(valid_label_key("2team"));
    EXPECT_FALSE(valid_label_key("_team"));
    EXPECT_FALSE(valid_label_key("team-a"));
    EXPECT_FALSE(valid_label_key("team:a"));
}

TEST(labels_test, values_are_up_to_63_printable_characters_of_any_script) {
    EXPECT_TRUE(valid_label_value(""));
    EXPECT_TRUE(valid_label_value("search"));
    EXPECT_TRUE(valid_label_value("Search Team (KR) #1: a/b"));
    EXPECT_TRUE(valid_label_value("\uac80\uc0c9\ud300"));  // Korean: 3 characters, 9 bytes
    EXPECT_TRUE(valid_label_value(std::string(63, 'x')));
    EXPECT_FALSE(valid_label_value(std::string(64, 'x')));
    // 63 Korean characters are 189 bytes: characters count, not bytes.
    std::string korean;
    for (int i = 0; i < 63; ++i)
        korean += "\uac80";
    EXPECT_TRUE(valid_label_value(korean));
    EXPECT_FALSE(valid_label_value(korean + "\uac80"));
    EXPECT_FALSE(valid_label_value("a\tb"));
    EXPECT_FALSE(valid_label_value("a\nb"));
    EXPECT_FALSE(valid_label_value(std::string("a\0b", 3)));
    EXPECT_FALSE(valid_label_value("a\x7f"));
    EXPECT_FALSE(valid_label_value("\xc2\x85"));  // U+0085, a C1 control
    EXPECT_FALSE(valid_label_value("\xff"));      // not UTF-8
    EXPECT_FALSE(valid_label_value("\xc0\xaf"));  // an overlong '/'
    EXPECT_FALSE(valid_label_value("\xe2\x82"));  // cut short
}

TEST(labels_test, a_set_is_sorted_by_key_and_keeps_the_last_value_of_a_key) {
    label_set s{{"team", "search"}, {"env", "prod"}};
    s.set("team", "logs");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s.entries()[0], (label_set::entry{"env", "prod"}));
    EXPECT_EQ(s.entries()[1], (label_set::entry{"team", "logs"}));
    EXPECT_EQ(s.to_text(), "env=prod,team=logs");
    ASSERT_NE(s.find("env"), nullptr);
    EXPECT_EQ(*s.find("env"), "prod");
    EXPECT_EQ(s.find("tier"), nullptr);
    EXPECT_EQ(s, (label_set{{"env", "prod"}, {"team", "logs"}}));
    EXPECT_EQ(label_set{}.to_text(), "");
}

TEST(labels_test, contains_all_is_the_match_of_a_route_or_a_maintenance_window) {
    const label_set cluster{{"team", "search"}, {"env", "prod"}, {"tier", "1"}};
    EXPECT_TRUE(cluster.contains_all({}));
    EXPECT_TRUE(cluster.contains_all({{"env", "prod"}}));
    EXPECT_TRUE(cluster.contains_all({{"env", "prod"}, {"team", "search"}}));
    EXPECT_FALSE(cluster.contains_all({{"env", "staging"}}));
    EXPECT_FALSE(cluster.contains_all({{"env", "prod"}, {"region", "kr"}}));
    EXPECT_FALSE(label_set{}.contains_all({{"env", "prod"}}));
}

TEST(labels_test, merged_with_lets_the_overrides_win) {
    const label_set base{{"env", "prod"}, {"team", "search"}};
    EXPECT_EQ(base.merged_with({{"team", "logs"}, {"tier", "2"}}),
              (label_set{{"env", "prod"}, {"team", "logs"}, {"tier", "2"}}));
}

TEST(labels_test, a_selector_is_key_colon_value_and_says_what_is_wrong) {
    const auto s = parse_label_selector("team:search");
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, (label_selector{"team", "search"}));
    // The value may hold more colons; it may be empty.
    EXPECT_EQ(*parse_label_selector("url:http://x"), (label_selector{"url", "http://x"}));
    EXPECT_EQ(*parse_label_selector("team:"), (label_selector{"team", ""}));
    std::string error;
    EXPECT_FALSE(parse_label_selector("team=search", &error));
    EXPECT_EQ(error, "label selector \"team=search\": expected key:value");
    EXPECT_FALSE(parse_label_selector("Team:search", &error));
    EXPECT_EQ(error, "label selector \"Team:search\": " + std::string(label_key_rule));
    EXPECT_FALSE(parse_label_selector("team:a\tb", &error));
    EXPECT_EQ(error, "label selector \"team:a\tb\": " + std::string(label_value_rule));
}

TEST(labels_test, selectors_of_one_key_are_alternatives_and_of_different_keys_all_hold) {
    const label_set search_prod{{"team", "search"}, {"env", "prod"}};
    const label_set logs_prod{{"team", "logs"}, {"env", "prod"}};
    const label_set search_dev{{"team", "search"}, {"env", "dev"}};
    const std::vector<label_selector> none;
    const std::vector<label_selector> search{{"team", "search"}};
    const std::vector<label_selector> search_or_logs{{"team", "search"}, {"team", "logs"}};
    const std::vector<label_selector> search_and_prod{{"team", "search"}, {"env", "prod"}};
    EXPECT_TRUE(matches(label_set{}, none));
    EXPECT_TRUE(matches(search_prod, search));
    EXPECT_FALSE(matches(logs_prod, search));
    EXPECT_FALSE(matches(label_set{}, search));
    EXPECT_TRUE(matches(search_prod, search_or_logs));
    EXPECT_TRUE(matches(logs_prod, search_or_logs));
    EXPECT_FALSE(matches(search_dev, {{"team", "logs"}, {"team", "other"}}));
    EXPECT_TRUE(matches(search_prod, search_and_prod));
    EXPECT_FALSE(matches(search_dev, search_and_prod));
    EXPECT_FALSE(matches(logs_prod, search_and_prod));
}

}  // namespace
}  // namespace sesmon
