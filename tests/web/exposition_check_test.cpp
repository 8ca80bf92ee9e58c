// The metrics tests trust check_exposition; these show it rejects what Prometheus rejects.
#include "exposition_check.hpp"

#include <gtest/gtest.h>

namespace sesmon::web::testing {
namespace {

const std::string valid =
    "# HELP a_total Things.\n"
    "# TYPE a_total counter\n"
    "a_total{x=\"1\",y=\"q\\\"\\\\\\n\"} 3\n"
    "# TYPE h histogram\n"
    "h_bucket{le=\"0.5\"} 1\n"
    "h_bucket{le=\"+Inf\"} 2\n"
    "h_sum 0.75\n"
    "h_count 2\n"
    "# TYPE g gauge\n"
    "g -1.5e3 1700000000000\n"
    "g{k=\"v\"} NaN\n";

bool rejects(const std::string& text) {
    return !check_exposition(text).errors.empty();
}

TEST(exposition_check_test, accepts_valid_text_and_unescapes_labels) {
    const auto e = check_exposition(valid);
    EXPECT_TRUE(e.errors.empty()) << (e.errors.empty() ? "" : e.errors.front());
    ASSERT_NE(e.find("a_total", {{"x", "1"}, {"y", "q\"\\\n"}}), nullptr);
    EXPECT_EQ(e.find("g", {})->value, -1500);
}

TEST(exposition_check_test, rejects_bad_names_labels_values_and_escapes) {
    EXPECT_TRUE(rejects("# TYPE 1a gauge\n1a 1\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na{1x=\"v\"} 1\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na{x=\"v} 1\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na{x=\"a\\t\"} 1\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na{x=v} 1\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na{x=\"v\",x=\"w\"} 1\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na 1,5\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na 1 now\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na 1 2 3\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na 1"));  // no final newline
    EXPECT_TRUE(rejects("# HELP a bad \\t escape\n# TYPE a gauge\na 1\n"));
}

TEST(exposition_check_test, rejects_structural_errors) {
    EXPECT_TRUE(rejects("a 1\n"));                                  // no TYPE
    EXPECT_TRUE(rejects("# TYPE a gauge\n# TYPE a gauge\na 1\n"));  // TYPE twice
    EXPECT_TRUE(rejects("# TYPE a wat\na 1\n"));                    // unknown type
    EXPECT_TRUE(rejects("# TYPE a gauge\na 1\na 2\n"));             // duplicate series
    EXPECT_TRUE(rejects("# TYPE a_total counter\na_total -1\n"));   // negative counter
    EXPECT_TRUE(rejects("# TYPE a gauge\n# TYPE b gauge\na{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n"));
    EXPECT_TRUE(rejects("# TYPE a gauge\na 1\n# HELP a late\n"));  // HELP after samples
}

TEST(exposition_check_test, rejects_inconsistent_histograms) {
    const std::string type = "# TYPE h histogram\n";
    // No +Inf bucket.
    EXPECT_TRUE(rejects(type + "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"));
    // Not cumulative.
    EXPECT_TRUE(
        rejects(type + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"));
    // le not increasing.
    EXPECT_TRUE(rejects(type + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n"
                               "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"));
    // _count differs from +Inf.
    EXPECT_TRUE(rejects(type + "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n"));
    // Missing _sum.
    EXPECT_TRUE(rejects(type + "h_bucket{le=\"+Inf\"} 1\nh_count 1\n"));
    // Bare histogram sample.
    EXPECT_TRUE(rejects(type + "h 1\n"));
}

}  // namespace
}  // namespace sesmon::web::testing
