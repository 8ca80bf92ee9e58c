#include "silence/matcher_template.hpp"

#include <algorithm>
#include <cctype>

#include "common/pattern.hpp"

namespace sesmon::silence {
namespace {

bool fail(std::string* error, std::string why) {
    if (error != nullptr)
        *error = std::move(why);
    return false;
}

bool valid_label_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

// The value text between the operator and the end: quoted (with escapes) or bare.
std::optional<std::string> unquote(std::string_view text, std::string* error) {
    if (text.empty() || text.front() != '"') {
        if (text.find_first_of(" \t\"") != std::string_view::npos) {
            fail(error, "a value with spaces or quotes must be in double quotes");
            return std::nullopt;
        }
        return std::string(text);
    }
    std::string out;
    for (std::size_t i = 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            out += text[++i];
        } else if (c == '"') {
            if (i + 1 != text.size()) {
                fail(error, "text after the closing quote");
                return std::nullopt;
            }
            return out;
        } else {
            out += c;
        }
    }
    fail(error, "the value's closing quote is missing");
    return std::nullopt;
}

std::optional<std::vector<template_part>> parse_value(std::string_view value, bool regex,
                                                      std::string* error) {
    std::vector<template_part> parts;
    std::string literal;
    const auto flush = [&] {
        if (!literal.empty())
            parts.push_back({template_part::kind::text, std::move(literal)});
        literal.clear();
    };
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if ((c == '{' || c == '}') && i + 1 < value.size() && value[i + 1] == c) {
            literal += c;
            ++i;
            continue;
        }
        if (c == '}') {
            fail(error, "a '}' without its '{' (write }} for a literal brace)");
            return std::nullopt;
        }
        if (c != '{') {
            literal += c;
            continue;
        }
        const auto close = value.find('}', i);
        if (close == std::string_view::npos) {
            fail(error, "a '{' without its '}' (write {{ for a literal brace)");
            return std::nullopt;
        }
        const std::string_view name = value.substr(i + 1, close - i - 1);
        template_part part;
        if (name == "cluster") {
            part.what = template_part::kind::cluster;
        } else if (name == "instance_no") {
            part.what = template_part::kind::instance_no;
        } else if (name == "region") {
            part.what = template_part::kind::region;
        } else if (name == "nodes_regex") {
            if (!regex) {
                fail(error, "{nodes_regex} is a regular expression: use it in a =~ or !~ matcher");
                return std::nullopt;
            }
            part.what = template_part::kind::nodes_regex;
        } else if (name.substr(0, 6) == "label:") {
            part.what = template_part::kind::label;
            part.text = std::string(name.substr(6));
            if (!valid_label_key(part.text)) {
                fail(error, "{" + std::string(name) + "}: " + std::string(label_key_rule));
                return std::nullopt;
            }
        } else {
            fail(error, "unknown placeholder {" + std::string(name) +
                            "} (expected {cluster}, {instance_no}, {region}, {label:KEY} or "
                            "{nodes_regex}; {{ and }} for literal braces)");
            return std::nullopt;
        }
        flush();
        parts.push_back(std::move(part));
        i = close;
    }
    flush();
    return parts;
}

// Alertmanager anchors regex matchers: the value must match the whole label value.
std::optional<bool> regex_matches_empty(const std::string& value) {
    auto compiled = common::name_pattern::compile("^(?:" + value + ")$");
    if (!compiled)
        return std::nullopt;
    return compiled->search("");
}

// A stand-in value per placeholder, the least selective one (a label may be "").
template_context sample_context() {
    return {"c", "1", "KR", {}, {"n"}, true};
}

}  // namespace

std::string regex_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

std::optional<matcher_template> parse_matcher(std::string_view text, std::string* error) {
    matcher_template out;
    out.source = std::string(text);
    std::size_t op = 0;
    while (op < text.size() && text[op] != '=' && text[op] != '!' && text[op] != '~')
        ++op;
    std::string_view name = text.substr(0, op);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back())))
        name.remove_suffix(1);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front())))
        name.remove_prefix(1);
    if (!valid_label_name(name)) {
        fail(error,
             "expected a label name ([a-zA-Z_][a-zA-Z0-9_]*) then =, !=, =~ or !~, e.g. "
             "cluster=\"{cluster}\"");
        return std::nullopt;
    }
    out.name = std::string(name);
    std::string_view rest = text.substr(op);
    if (rest.substr(0, 2) == "=~" || rest.substr(0, 2) == "!~") {
        out.is_regex = true;
        out.is_equal = rest[0] == '=';
        rest.remove_prefix(2);
    } else if (rest.substr(0, 2) == "!=") {
        out.is_equal = false;
        rest.remove_prefix(2);
    } else if (rest.substr(0, 1) == "=") {
        rest.remove_prefix(1);
    } else {
        fail(error, "expected =, !=, =~ or !~ after the label name");
        return std::nullopt;
    }
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front())))
        rest.remove_prefix(1);
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
        rest.remove_suffix(1);
    const auto value = unquote(rest, error);
    if (!value)
        return std::nullopt;
    auto parts = parse_value(*value, out.is_regex, error);
    if (!parts)
        return std::nullopt;
    out.value = std::move(*parts);
    if (out.is_regex) {
        const auto sample = expand(out, sample_context());
        if (!sample || !common::name_pattern::compile(sample->value)) {
            fail(error, "not a valid regular expression once expanded");
            return std::nullopt;
        }
    }
    return out;
}

std::string check_selects_something(const std::vector<matcher_template>& matchers) {
    if (matchers.empty())
        return "at least one matcher is needed, e.g. cluster=\"{cluster}\"";
    for (const matcher_template& t : matchers) {
        // Labels the cluster may lack count as "": the worst case.
        const auto v = expand(t, sample_context());
        if (!v)
            continue;
        if (!t.is_equal)
            continue;  // a negative matcher matches the empty value
        if (!t.is_regex && !v->value.empty())
            return "";
        if (t.is_regex && regex_matches_empty(v->value) == false)
            return "";
    }
    return "every matcher may match an empty label value, and Alertmanager refuses such a "
           "silence: add one like cluster=\"{cluster}\"";
}

std::vector<std::string> label_keys(const matcher_template& t) {
    std::vector<std::string> out;
    for (const template_part& p : t.value) {
        if (p.what == template_part::kind::label)
            out.push_back(p.text);
    }
    return out;
}

std::optional<expanded_matcher> expand(const matcher_template& t, const template_context& context,
                                       std::string* missing) {
    expanded_matcher out{t.name, "", t.is_regex, t.is_equal};
    const auto put = [&](std::string_view v) {
        out.value += t.is_regex ? regex_escape(v) : std::string(v);
    };
    for (const template_part& p : t.value) {
        switch (p.what) {
            case template_part::kind::text:
                out.value += p.text;
                break;
            case template_part::kind::cluster:
                put(context.cluster);
                break;
            case template_part::kind::instance_no:
                put(context.instance_no);
                break;
            case template_part::kind::region:
                put(context.region);
                break;
            case template_part::kind::label: {
                const std::string* v = context.labels.find(p.text);
                if (v != nullptr) {
                    put(*v);
                } else if (!context.missing_label_is_empty) {
                    if (missing != nullptr)
                        *missing = "label " + p.text;
                    return std::nullopt;
                }
                break;
            }
            case template_part::kind::nodes_regex: {
                if (context.nodes.empty()) {
                    if (missing != nullptr)
                        *missing = "nodes";
                    return std::nullopt;
                }
                std::string alternation;
                for (const std::string& n : context.nodes)
                    alternation += (alternation.empty() ? "" : "|") + regex_escape(n);
                out.value += "(?:" + alternation + ")";
                break;
            }
        }
    }
    return out;
}

std::string to_text(const expanded_matcher& m) {
    std::string value;
    for (char c : m.value) {
        if (c == '"' || c == '\\')
            value += '\\';
        value += c;
    }
    const char* op = m.is_regex ? (m.is_equal ? "=~" : "!~") : (m.is_equal ? "=" : "!=");
    return m.name + op + "\"" + value + "\"";
}

}  // namespace sesmon::silence
