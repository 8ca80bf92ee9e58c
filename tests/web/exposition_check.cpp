#include "exposition_check.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

namespace sesmon::web::testing {
namespace {

const std::regex metric_name_re("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex label_name_re("[a-zA-Z_][a-zA-Z0-9_]*");
const std::regex float_re(R"([+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|Inf)|NaN)");
const std::regex timestamp_re(R"(-?\d+)");
const std::set<std::string> known_types = {"counter", "gauge", "histogram", "summary", "untyped"};

bool is_name_char(char c, bool first) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
           (!first && std::isdigit(static_cast<unsigned char>(c)));
}

double parse_float(const std::string& s) {
    if (s == "+Inf" || s == "Inf")
        return INFINITY;
    if (s == "-Inf")
        return -INFINITY;
    if (s == "NaN")
        return NAN;
    return std::strtod(s.c_str(), nullptr);
}

// Unescapes a HELP text (\\ and \n only). False on any other escape.
bool unescape_help(const std::string& in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '\\') {
            out += in[i];
            continue;
        }
        if (++i == in.size())
            return false;
        if (in[i] == '\\')
            out += '\\';
        else if (in[i] == 'n')
            out += '\n';
        else
            return false;
    }
    return true;
}

struct line_parser {
    const std::string& s;
    std::size_t at = 0;
    std::string error;

    bool fail(std::string why) {
        if (error.empty())
            error = std::move(why);
        return false;
    }
    bool done() const { return at >= s.size(); }

    bool name(std::string& out, bool label) {
        const std::size_t start = at;
        while (!done() && is_name_char(s[at], at == start) && !(label && s[at] == ':'))
            ++at;
        out = s.substr(start, at - start);
        if (!std::regex_match(out, label ? label_name_re : metric_name_re)) {
            return fail("bad " + std::string(label ? "label" : "metric") + " name '" + out + "'");
        }
        return true;
    }

    bool label_value(std::string& out) {
        if (done() || s[at] != '"')
            return fail("label value must start with a quote");
        ++at;
        out.clear();
        while (!done() && s[at] != '"') {
            if (s[at] == '\\') {
                if (++at == s.size())
                    return fail("dangling backslash in label value");
                if (s[at] == '\\')
                    out += '\\';
                else if (s[at] == '"')
                    out += '"';
                else if (s[at] == 'n')
                    out += '\n';
                else
                    return fail("bad escape \\" + std::string(1, s[at]) + " in label value");
            } else {
                out += s[at];
            }
            ++at;
        }
        if (done())
            return fail("unterminated label value");
        ++at;
        return true;
    }

    bool labels(std::map<std::string, std::string>& out) {
        if (done() || s[at] != '{')
            return true;
        ++at;
        if (!done() && s[at] == '}') {
            ++at;
            return true;
        }
        for (;;) {
            std::string key, value;
            if (!name(key, true))
                return false;
            if (key.starts_with("__"))
                return fail("reserved label name '" + key + "'");
            if (done() || s[at] != '=')
                return fail("expected '=' after label " + key);
            ++at;
            if (!label_value(value))
                return false;
            if (!out.emplace(key, value).second)
                return fail("duplicate label " + key);
            if (done())
                return fail("unterminated label set");
            if (s[at] == '}') {
                ++at;
                return true;
            }
            if (s[at] != ',')
                return fail("expected ',' or '}' in label set");
            ++at;
        }
    }

    std::string token() {
        while (!done() && s[at] == ' ')
            ++at;
        const std::size_t start = at;
        while (!done() && s[at] != ' ')
            ++at;
        return s.substr(start, at - start);
    }
};

struct histogram_group {
    std::vector<std::pair<double, double>> buckets;  // le, count in order of appearance
    std::optional<double> count;
    std::optional<double> sum;
};

}  // namespace

const exposition_sample* exposition::find(const std::string& name,
                                          const std::map<std::string, std::string>& labels) const {
    for (const auto& s : samples) {
        if (s.name == name && s.labels == labels)
            return &s;
    }
    return nullptr;
}

exposition check_exposition(const std::string& text) {
    exposition out;
    auto error = [&](std::size_t line, const std::string& why) {
        out.errors.push_back("line " + std::to_string(line) + ": " + why);
    };
    if (text.empty() || text.back() != '\n')
        error(0, "text must end with a newline");

    std::set<std::string> families_done;  // families whose samples ended
    std::set<std::string> families_with_samples;
    std::set<std::string> series;
    std::string current;
    std::map<std::string, histogram_group> histograms;  // family + labels without le

    std::istringstream in(text);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty())
            continue;
        if (line[0] == '#') {
            std::istringstream words(line);
            std::string hash, keyword, family;
            words >> hash >> keyword;
            if (hash != "#" || (keyword != "HELP" && keyword != "TYPE"))
                continue;  // comment
            const std::string prefix = "# " + keyword + " ";
            if (!line.starts_with(prefix)) {
                error(n, "malformed " + keyword + " line");
                continue;
            }
            const std::string rest = line.substr(prefix.size());
            const auto space = rest.find(' ');
            family = rest.substr(0, space);
            const std::string arg = space == std::string::npos ? "" : rest.substr(space + 1);
            if (!std::regex_match(family, metric_name_re))
                error(n, "bad family name " + family);
            if (families_with_samples.contains(family)) {
                error(n, keyword + " for " + family + " after its samples");
            }
            if (keyword == "TYPE") {
                if (!known_types.contains(arg))
                    error(n, "unknown type '" + arg + "'");
                if (!out.types.emplace(family, arg).second)
                    error(n, "second TYPE for " + family);
            } else {
                std::string help;
                if (!unescape_help(arg, help))
                    error(n, "bad escape in HELP of " + family);
                if (!out.help.emplace(family, help).second)
                    error(n, "second HELP for " + family);
            }
            continue;
        }

        line_parser p{line, 0, {}};
        exposition_sample sample;
        if (!p.name(sample.name, false) || !p.labels(sample.labels)) {
            error(n, p.error);
            continue;
        }
        if (p.done() || line[p.at] != ' ') {
            error(n, "expected a space before the value");
            continue;
        }
        const std::string value = p.token();
        const std::string timestamp = p.token();
        if (!p.done() || !p.token().empty())
            error(n, "trailing characters");
        if (!std::regex_match(value, float_re))
            error(n, "bad value '" + value + "'");
        if (!timestamp.empty() && !std::regex_match(timestamp, timestamp_re)) {
            error(n, "bad timestamp '" + timestamp + "'");
        }
        sample.value = parse_float(value);

        // Which family the sample belongs to.
        std::string family = sample.name;
        std::string suffix;
        if (!out.types.contains(family)) {
            for (const std::string s : {"_bucket", "_sum", "_count"}) {
                if (family.ends_with(s)) {
                    const std::string base = family.substr(0, family.size() - s.size());
                    auto it = out.types.find(base);
                    if (it != out.types.end() && (it->second == "histogram" ||
                                                  (it->second == "summary" && s != "_bucket"))) {
                        family = base;
                        suffix = s;
                    }
                }
            }
        }
        auto type = out.types.find(family);
        if (type == out.types.end()) {
            error(n, "sample " + sample.name + " has no TYPE");
        } else if (type->second == "histogram" && suffix.empty()) {
            error(n, "histogram sample " + sample.name + " lacks _bucket/_sum/_count");
        } else if (type->second == "counter" && !(sample.value >= 0)) {
            error(n, "counter " + sample.name + " is negative or NaN");
        }
        if (family != current) {
            if (families_done.contains(family))
                error(n, "family " + family + " is not contiguous");
            if (!current.empty())
                families_done.insert(current);
            current = family;
        }
        families_with_samples.insert(family);

        std::string key = sample.name;
        for (const auto& [k, v] : sample.labels)
            key += "\x1f" + k + "=" + v;
        if (!series.insert(key).second)
            error(n, "duplicate series " + key);

        if (type != out.types.end() && type->second == "histogram") {
            auto labels = sample.labels;
            std::string le;
            if (suffix == "_bucket") {
                auto it = labels.find("le");
                if (it == labels.end()) {
                    error(n, "bucket without le");
                } else {
                    le = it->second;
                    labels.erase(it);
                    if (!std::regex_match(le, float_re))
                        error(n, "bad le '" + le + "'");
                }
            } else if (labels.contains("le")) {
                error(n, "le label outside _bucket");
            }
            std::string group = family;
            for (const auto& [k, v] : labels)
                group += "\x1f" + k + "=" + v;
            histogram_group& g = histograms[group];
            if (suffix == "_bucket")
                g.buckets.emplace_back(parse_float(le), sample.value);
            if (suffix == "_count")
                g.count = sample.value;
            if (suffix == "_sum")
                g.sum = sample.value;
        }
        out.samples.push_back(std::move(sample));
    }

    for (const auto& [group, g] : histograms) {
        const std::string name = group.substr(0, group.find('\x1f'));
        if (g.buckets.empty() || !std::isinf(g.buckets.back().first)) {
            error(0, "histogram " + name + " lacks a last bucket le=\"+Inf\"");
        }
        for (std::size_t i = 1; i < g.buckets.size(); ++i) {
            if (!(g.buckets[i].first > g.buckets[i - 1].first)) {
                error(0, "histogram " + name + " buckets not increasing in le");
            }
            if (g.buckets[i].second < g.buckets[i - 1].second) {
                error(0, "histogram " + name + " buckets not cumulative");
            }
        }
        if (!g.count)
            error(0, "histogram " + name + " lacks _count");
        if (!g.sum)
            error(0, "histogram " + name + " lacks _sum");
        if (g.count && !g.buckets.empty() && *g.count != g.buckets.back().second) {
            error(0, "histogram " + name + " _count differs from the +Inf bucket");
        }
    }
    return out;
}

}  // namespace sesmon::web::testing
