#pragma once
// matcher_template: `alertmanager.matchers` (SPEC §14) — Alertmanager matchers whose values
// are templates over the cluster: `cluster="{cluster}"`, `instance=~"{nodes_regex}"`.
//
// Syntax: `name OP value` with OP one of = != =~ !~ (Alertmanager's), the name a label name
// ([a-zA-Z_][a-zA-Z0-9_]*), the value double-quoted (\" and \\ escape) or bare (no space,
// no quote). Placeholders in the value: {cluster} {instance_no} {region} {label:KEY}
// {nodes_regex}; {{ and }} are literal braces (a regex's {2,3}). In =~ and !~ matchers the
// values put in are regex-escaped, and {nodes_regex} is the upgrade's node host names as
// one alternation, `(?:a|b|c)`; {nodes_regex} only makes sense there.
// Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/labels.hpp"
#include "sesmon/quiet.hpp"

namespace sesmon::silence {

// nullopt with a one-line reason in `error` for a template that can never expand.
std::optional<matcher_template> parse_matcher(std::string_view text, std::string* error = nullptr);

// Whether a silence with these matchers can select anything: Alertmanager refuses one whose
// matchers all match the empty label value. "" when fine, else the reason.
std::string check_selects_something(const std::vector<matcher_template>& matchers);

// The label keys {label:KEY} of `t` uses.
std::vector<std::string> label_keys(const matcher_template& t);

// What a template is expanded with: one cluster and its upgrade's nodes.
struct template_context {
    std::string cluster;
    std::string instance_no;
    std::string region;
    label_set labels;
    std::vector<std::string> nodes;  // host names
    // Checks at load: a label the cluster lacks expands to "" instead of failing.
    bool missing_label_is_empty = false;
};

// An Alertmanager matcher, expanded.
struct expanded_matcher {
    std::string name;
    std::string value;
    bool is_regex = false;
    bool is_equal = true;
    friend bool operator==(const expanded_matcher&, const expanded_matcher&) = default;
};

// nullopt when the cluster lacks a label the template uses, or {nodes_regex} has no nodes;
// `missing` (when given) then names what was missing ("label team", "nodes").
std::optional<expanded_matcher> expand(const matcher_template& t, const template_context& context,
                                       std::string* missing = nullptr);

// `name="value"` / `name=~"value"`: how Alertmanager's tools show a matcher.
std::string to_text(const expanded_matcher& m);

// RE2 (Go) regex escaping of `text`.
std::string regex_escape(std::string_view text);

}  // namespace sesmon::silence
