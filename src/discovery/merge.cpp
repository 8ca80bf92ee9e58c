#include "discovery/merge.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "common/label.hpp"
#include "common/text.hpp"

namespace sesmon::discovery {

namespace {

constexpr std::size_t max_instance_digits = 20;  // fits an unsigned 64-bit number

bool usable_instance_no(const std::string& no) {
    return no.size() <= max_instance_digits && common::all_digits(no);
}

// A cluster being created or removed has nothing to poll yet (or any more).
bool watchable_status(std::string_view status) {
    for (const std::string_view word : {"creating", "deleting", "return"}) {
        if (common::iequals(status, word))
            return false;
    }
    return true;
}

struct instance_order {
    bool operator()(const std::string& a, const std::string& b) const {
        return instance_less(a, b);
    }
};

// `base`, or `base-<instance_no>` when taken, or that with "-2", "-3"... (each cut to fit).
std::string unique_name(const std::string& base, const std::string& instance_no,
                        const std::set<std::string>& taken) {
    if (!taken.count(base))
        return base;
    const auto with_suffix = [&](const std::string& suffix) {
        std::string head = base.substr(0, common::max_label_length - suffix.size());
        while (!head.empty() && head.back() == '-')
            head.pop_back();
        return head + suffix;
    };
    std::string candidate = with_suffix("-" + instance_no);
    for (int n = 2; taken.count(candidate); ++n)
        candidate = with_suffix("-" + instance_no + "-" + std::to_string(n));
    return candidate;
}

}  // namespace

bool instance_less(const std::string& a, const std::string& b) {
    if (a.size() != b.size())
        return a.size() < b.size();
    return a < b;
}

std::string_view to_string(skip_reason reason) {
    switch (reason) {
        case skip_reason::disallowed:
            return "disallowed";
        case skip_reason::no_instance_no:
            return "no_instance_no";
        case skip_reason::duplicate:
            return "duplicate";
        case skip_reason::not_ready:
            return "not_ready";
        case skip_reason::configured:
            return "configured";
        case skip_reason::not_included:
            return "not_included";
        case skip_reason::excluded:
            return "excluded";
        case skip_reason::pattern_gave_up:
            return "pattern_gave_up";
    }
    return "?";
}

std::string explain(skip_reason reason, const std::string& configured_name) {
    switch (reason) {
        case skip_reason::disallowed:
            return "disallowed: the API keys may not see it";
        case skip_reason::no_instance_no:
            return "no usable serviceGroupInstanceNo";
        case skip_reason::duplicate:
            return "listed twice";
        case skip_reason::not_ready:
            return "being created or removed";
        case skip_reason::configured:
            return "listed in clusters[] as " + configured_name;
        case skip_reason::not_included:
            return "does not match discovery.include";
        case skip_reason::excluded:
            return "matches discovery.exclude";
        case skip_reason::pattern_gave_up:
            return "discovery.include/exclude too complex to decide for this name";
    }
    return "?";
}

filter_rules filter_rules::from(const discovery_config& d) {
    return {common::name_pattern::compile(d.include).value(),
            common::name_pattern::compile(d.exclude).value()};
}

std::optional<skip_reason> filter_rules::check(const std::string& cluster_name) const {
    const auto included = include.search(cluster_name);
    if (!included)
        return skip_reason::pattern_gave_up;
    if (!*included)
        return skip_reason::not_included;
    if (exclude.empty())
        return std::nullopt;
    const auto excluded = exclude.search(cluster_name);
    if (!excluded)
        return skip_reason::pattern_gave_up;
    if (*excluded)
        return skip_reason::excluded;
    return std::nullopt;
}

known_update update_known(const known_set& previous, const listing& complete) {
    known_update out;
    std::map<std::string, const listed_entry*, instance_order> listed;  // first occurrence wins
    std::set<std::string> disallowed;
    std::set<std::string> seen;
    for (const listed_entry& e : complete.entries) {
        const std::string& no = e.cluster.instance_no;
        if (!usable_instance_no(no) || !seen.insert(no).second)
            continue;
        if (!e.allowed) {
            out.disallowed.push_back(e);
            disallowed.insert(no);
        } else if (watchable_status(e.cluster.status)) {
            listed.emplace(no, &e);
        }
    }
    for (const known_cluster& k : previous) {
        known_cluster next = k;
        if (const auto it = listed.find(k.instance_no); it != listed.end()) {
            const listed_entry& e = *it->second;
            next.region = e.region;
            if (next.listed_name != e.cluster.name) {
                next.listed_name = e.cluster.name;
                next.name.clear();  // renamed: derive its name again
            }
            next.misses = 0;
            out.known.push_back(std::move(next));
            listed.erase(it);
        } else if (disallowed.count(k.instance_no)) {
            out.revoked.push_back(std::move(next));
        } else if (++next.misses >= 2) {
            out.gone.push_back(std::move(next));
        } else {
            out.known.push_back(std::move(next));
        }
    }
    for (const auto& [no, e] : listed) {
        known_cluster k{no, e->region, e->cluster.name, "", 0};
        out.appeared.push_back(k);
        out.known.push_back(std::move(k));
    }
    std::sort(out.known.begin(), out.known.end(),
              [](const known_cluster& a, const known_cluster& b) {
                  return instance_less(a.instance_no, b.instance_no);
              });
    return out;
}

watch_plan plan(const known_set& known, const discovery_config& d, const filter_rules& rules,
                const std::vector<cluster_config>& configured) {
    std::set<std::string> static_instances;
    std::set<std::string> taken;
    for (const cluster_config& c : configured) {
        static_instances.insert(c.instance_no);
        taken.insert(c.name);
    }
    std::vector<bool> candidate(known.size());
    for (std::size_t i = 0; i < known.size(); ++i) {
        candidate[i] = !static_instances.count(known[i].instance_no) &&
                       !rules.check(known[i].listed_name).has_value();
    }
    watch_plan out;
    out.known = known;
    // Names already given stay, in instance order; then the new ones, in instance order.
    std::vector<bool> named(known.size());
    for (std::size_t i = 0; i < known.size(); ++i) {
        const std::string& name = known[i].name;
        if (candidate[i] && common::valid_label(name) && taken.insert(name).second)
            named[i] = true;
    }
    for (std::size_t i = 0; i < known.size(); ++i) {
        known_cluster& k = out.known[i];
        if (!candidate[i]) {
            k.name.clear();
            continue;
        }
        if (!named[i]) {
            k.name = unique_name(sanitize_name(k.listed_name, k.instance_no), k.instance_no, taken);
            taken.insert(k.name);
        }
        cluster_config c;
        c.name = k.name;
        c.instance_no = k.instance_no;
        c.region = k.region;
        c.notify = d.notify;
        c.polling = d.polling;
        c.stall = d.stall;
        c.labels = d.labels;
        c.opensearch = d.opensearch;
        c.discovered = true;
        out.watched.push_back(std::move(c));
    }
    return out;
}

std::vector<verdict> judge(const listing& complete, const discovery_config& d,
                           const filter_rules& rules,
                           const std::vector<cluster_config>& configured) {
    const watch_plan p = plan(update_known({}, complete).known, d, rules, configured);
    std::map<std::string, std::string> watched;
    for (const cluster_config& c : p.watched)
        watched.emplace(c.instance_no, c.name);
    std::map<std::string, std::string> statics;
    for (const cluster_config& c : configured)
        statics.emplace(c.instance_no, c.name);

    std::vector<verdict> out;
    std::set<std::string> seen;
    for (const listed_entry& e : complete.entries) {
        verdict v{e, std::nullopt, ""};
        const std::string& no = e.cluster.instance_no;
        if (!usable_instance_no(no)) {
            v.skip = skip_reason::no_instance_no;
        } else if (!seen.insert(no).second) {
            v.skip = skip_reason::duplicate;
        } else if (!e.allowed) {
            v.skip = skip_reason::disallowed;
        } else if (!watchable_status(e.cluster.status)) {
            v.skip = skip_reason::not_ready;
        } else if (const auto s = statics.find(no); s != statics.end()) {
            v.skip = skip_reason::configured;
            v.name = s->second;
        } else if (const auto w = watched.find(no); w != watched.end()) {
            v.name = w->second;
        } else {
            v.skip = rules.check(e.cluster.name);
        }
        out.push_back(std::move(v));
    }
    return out;
}

std::string printable(std::string_view text) {
    constexpr std::size_t max_bytes = 128;
    std::string out;
    for (const char ch : text.substr(0, max_bytes)) {
        const auto c = static_cast<unsigned char>(ch);
        out += c < 0x20 || c == 0x7f ? '?' : ch;
    }
    if (text.size() > max_bytes)
        out += "...";
    return out;
}

std::string sanitize_name(std::string_view listed_name, std::string_view instance_no) {
    std::string out;
    for (const char ch : listed_name) {
        const auto c = static_cast<unsigned char>(ch);
        const bool keep = std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
        if (keep) {
            out += ch;
        } else if (out.empty() || out.back() != '-') {
            out += '-';
        }
    }
    const auto first =
        std::find_if(out.begin(), out.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
    out.erase(out.begin(), first);
    if (out.size() > common::max_label_length)
        out.resize(common::max_label_length);
    while (!out.empty() && out.back() == '-')
        out.pop_back();
    if (out.empty())
        out = "cluster-" + std::string(instance_no);
    return out;
}

}  // namespace sesmon::discovery
