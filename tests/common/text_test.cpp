#include "common/text.hpp"

#include <gtest/gtest.h>

namespace sesmon::common {
namespace {

TEST(text_test, iequals_folds_ascii_letters_only) {
    EXPECT_TRUE(iequals("Content-Length", "content-length"));
    EXPECT_TRUE(iequals("UPGRADE_OpenSearch", "upgrade_opensearch"));
    EXPECT_TRUE(iequals("", ""));
    EXPECT_FALSE(iequals("Bearer", "Bearer "));
    EXPECT_FALSE(iequals("a", "b"));
    // Bytes outside A-Z compare as themselves: '@' (0x40) and '`' (0x60) are not letters.
    EXPECT_FALSE(iequals("@", "`"));
    EXPECT_FALSE(iequals("\xc3\x84", "\xc3\xa4"));  // UTF-8 Ä / ä: not folded
}

TEST(text_test, to_lower_changes_only_ascii_capitals) {
    EXPECT_EQ(to_lower("HTTPS://Example.COM"), "https://example.com");
    EXPECT_EQ(to_lower("\xc3\x84-Z[]"), "\xc3\x84-z[]");
}

TEST(text_test, trim_drops_surrounding_whitespace) {
    EXPECT_EQ(trim("  120 \t"), "120");
    EXPECT_EQ(trim("\r\n token \n"), "token");
    EXPECT_EQ(trim("a b"), "a b");
    EXPECT_EQ(trim(" \t\r\n\v\f"), "");
    EXPECT_EQ(trim(""), "");
}

}  // namespace
}  // namespace sesmon::common
