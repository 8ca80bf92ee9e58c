// alertmanager.matchers templates: parsing (every way a template can never expand is
// refused with the reason), the empty-match rule Alertmanager enforces, and expansion.
#include "silence/matcher_template.hpp"

#include <gtest/gtest.h>

namespace sesmon::silence {
namespace {

template_context prod_logs() {
    return {"prod.logs",
            "1037001",
            "KR",
            label_set{{"team", "search"}, {"env", "prod"}},
            {"prod-logs-d-1", "prod-logs-d.2"}};
}

std::string expanded(const std::string& text, const template_context& c = prod_logs()) {
    std::string why;
    const auto t = parse_matcher(text, &why);
    EXPECT_TRUE(t) << text << ": " << why;
    if (!t)
        return "?";
    const auto m = expand(*t, c);
    return m ? to_text(*m) : "(none)";
}

TEST(matcher_template_test, expands_placeholders_escaping_them_in_regex_matchers) {
    struct row {
        std::string in, out;
    };
    const std::vector<row> rows = {
        {R"(cluster="{cluster}")", R"(cluster="prod.logs")"},
        {R"(cluster =~ "{cluster}")", R"(cluster=~"prod\\.logs")"},
        {R"(instance=~"{nodes_regex}:9100")",
         R"(instance=~"(?:prod-logs-d-1|prod-logs-d\\.2):9100")"},
        {R"(team="{label:team}")", R"(team="search")"},
        {R"(id!="{instance_no}-{region}")", R"(id!="1037001-KR")"},
        {R"(host!="{{x}}{cluster}")", R"(host!="{x}prod.logs")"},
        {R"(job=node)", R"(job="node")"},
        {R"(note="a \"quoted\" {cluster}")", R"(note="a \"quoted\" prod.logs")"},
        {R"(x=~"n-[0-9]{{2}}")", R"(x=~"n-[0-9]{2}")"},
    };
    for (const row& r : rows)
        EXPECT_EQ(expanded(r.in), r.out) << r.in;
}

TEST(matcher_template_test, templates_that_can_never_expand_are_refused) {
    struct row {
        std::string text, reason;
    };
    const std::vector<row> rows = {
        {R"(cluster="{clustr}")", "unknown placeholder {clustr}"},
        {R"(cluster="{cluster")", "without its '}'"},
        {R"(cluster="cluster}")", "without its '{'"},
        {R"(instance="{nodes_regex}")", "use it in a =~ or !~ matcher"},
        {R"(team="{label:Team}")", "label key must match"},
        {R"(9lives="x")", "expected a label name"},
        {R"(cluster=="x")", "value with spaces or quotes"},
        {R"(cluster~"x")", "expected =, !=, =~ or !~"},
        {R"(cluster="x)", "closing quote is missing"},
        {R"(cluster="x" y)", "text after the closing quote"},
        {R"(cluster=~"(unclosed")", "not a valid regular expression"},
        {R"(cluster)", "expected =, !=, =~ or !~"},
    };
    for (const row& r : rows) {
        std::string why;
        EXPECT_FALSE(parse_matcher(r.text, &why)) << r.text;
        EXPECT_NE(why.find(r.reason), std::string::npos) << r.text << ": " << why;
    }
}

TEST(matcher_template_test, a_set_whose_matchers_may_all_match_empty_is_refused) {
    const auto parse_all = [](std::vector<std::string> texts) {
        std::vector<matcher_template> out;
        for (const auto& t : texts)
            out.push_back(*parse_matcher(t));
        return out;
    };
    EXPECT_EQ(check_selects_something(parse_all({R"(cluster="{cluster}")"})), "");
    EXPECT_EQ(check_selects_something(parse_all({R"(instance=~"{nodes_regex}")"})), "");
    EXPECT_NE(check_selects_something(parse_all({R"(team="{label:team}")"})), "");
    EXPECT_NE(check_selects_something(parse_all({R"(cluster!="{cluster}")"})), "");
    EXPECT_NE(check_selects_something(parse_all({R"(x=~".*")", R"(y!~"a")"})), "");
    EXPECT_EQ(check_selects_something(parse_all({R"(x=~".*")", R"(y="a")"})), "");
    EXPECT_NE(check_selects_something({}), "");
}

TEST(matcher_template_test, a_cluster_without_the_label_or_nodes_gets_no_matcher) {
    const auto t = *parse_matcher(R"(owner="{label:owner}")");
    std::string missing;
    EXPECT_FALSE(expand(t, prod_logs(), &missing));
    EXPECT_EQ(missing, "label owner");
    auto no_nodes = prod_logs();
    no_nodes.nodes.clear();
    EXPECT_FALSE(expand(*parse_matcher(R"(i=~"{nodes_regex}")"), no_nodes, &missing));
    EXPECT_EQ(missing, "nodes");
    EXPECT_EQ(label_keys(t), std::vector<std::string>{"owner"});
}

}  // namespace
}  // namespace sesmon::silence
