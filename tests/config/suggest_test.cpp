// "Did you mean ...?" hints for misspelt keys and words (config/suggest.hpp).
#include <gtest/gtest.h>

#include "config/suggest.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

const std::vector<std::string_view> polling_keys{"interval", "idle_interval", "jitter",
                                                 "max_backoff"};

TEST(suggest_test, edit_distance_counts_inserts_deletes_replacements_and_swaps) {
    EXPECT_EQ(edit_distance("interval", "interval"), 0u);
    EXPECT_EQ(edit_distance("intervall", "interval"), 1u);  // insert
    EXPECT_EQ(edit_distance("intrval", "interval"), 1u);    // delete
    EXPECT_EQ(edit_distance("interwal", "interval"), 1u);   // replace
    EXPECT_EQ(edit_distance("inetrval", "interval"), 1u);   // adjacent swap
    EXPECT_EQ(edit_distance("intervl_", "interval"), 2u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("timeout", "interval"), 7u);
}

TEST(suggest_test, a_key_one_or_two_edits_away_is_suggested) {
    EXPECT_EQ(closest_name("intervall", polling_keys), "interval");
    EXPECT_EQ(closest_name("inetrval", polling_keys), "interval");
    EXPECT_EQ(closest_name("max_backof", polling_keys), "max_backoff");
    EXPECT_EQ(closest_name("idle_intrvl", polling_keys), "idle_interval");
    EXPECT_EQ(did_you_mean("intervall", polling_keys), " (did you mean \"interval\"?)");
}

TEST(suggest_test, nothing_is_suggested_three_edits_away_or_for_tiny_words) {
    EXPECT_EQ(closest_name("intrvl_x", polling_keys), std::nullopt);
    EXPECT_EQ(closest_name("timeout", polling_keys), std::nullopt);
    EXPECT_EQ(closest_name("ab", {"xy"}), std::nullopt);  // 2 edits, but the whole word
    EXPECT_EQ(did_you_mean("discovery", polling_keys), "");
}

TEST(suggest_test, the_closest_name_wins) {
    EXPECT_EQ(closest_name("interval_", {"idle_interval", "interval"}), "interval");
}

TEST(suggest_test, the_loader_hints_at_misspelt_keys_and_words) {
    const std::string cluster = "clusters:\n  - { name: a, instance_no: \"1\" }\n";
    EXPECT_EQ(testing::error_of(cluster + "polling:\n  intervl: 5s\n"),
              "config.yaml:4:3: polling.intervl: unknown key (did you mean \"interval\"?)");
    EXPECT_EQ(testing::error_of(cluster + "notifers: []\n"),
              "config.yaml:3:1: notifers: unknown key (did you mean \"notifiers\"?)");
    EXPECT_EQ(testing::error_of(cluster + "logging: { level: inf }\n"),
              "config.yaml:3:19: logging.level: unknown level \"inf\" (did you mean \"info\"? "
              "expected trace, debug, info, warn or error)");
}

}  // namespace
}  // namespace sesmon::config_file
