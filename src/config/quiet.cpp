// SPEC §14, quiet during upgrades: `alertmanager` (silences), `maintenance` (windows) and
// `routes`. The templates, weekly spans and time zones are parsed by src/silence/, here
// each problem is put at its place in the file.
#include <algorithm>

#include "config/context.hpp"
#include "silence/maintenance.hpp"
#include "silence/matcher_template.hpp"
#include "silence/time_zone.hpp"

namespace sesmon::config_file {
namespace {

const std::vector<std::string_view> alertmanager_keys{"url",    "token_file", "ca_file", "matchers",
                                                      "margin", "timeout",    "retry"};
const std::vector<std::string_view> window_keys{"name", "labels", "clusters", "weekly",
                                                "time_zone"};
const std::vector<std::string_view> route_keys{"match", "notifiers", "continue"};
const std::vector<std::string_view> match_keys{"labels", "clusters", "events", "severity"};

// A string or a list of strings under `key`; nullopt when absent or not strings.
std::optional<std::vector<located_string>> one_or_many(const map_reader& m, std::string_view key) {
    const YAML::Node node = m.value(key);
    if (node.IsDefined() && node.IsScalar())
        return std::vector<located_string>{{node.Scalar(), node.Mark(), m.path(key)}};
    return m.read_strings(key);
}

bool has_label_key(const sesmon::config& cfg, const std::string& key) {
    const auto carries = [&](const label_set& labels) { return labels.find(key) != nullptr; };
    return carries(cfg.discovery.labels) ||
           std::any_of(cfg.clusters.begin(), cfg.clusters.end(),
                       [&](const cluster_config& c) { return carries(c.labels); });
}

bool known_cluster(const sesmon::config& cfg, const std::string& name) {
    return std::any_of(cfg.clusters.begin(), cfg.clusters.end(),
                       [&](const cluster_config& c) { return c.name == name; });
}

// Cluster names of a window or a route: configured ones (discovered clusters get their names
// at run time, so with discovery on any valid name is accepted).
std::vector<std::string> read_cluster_names(const map_reader& m, const sesmon::config& cfg) {
    std::vector<std::string> out;
    const auto listed = m.read_strings("clusters");
    if (!listed)
        return out;
    if (listed->empty())
        m.fail("clusters", "must name at least one cluster (omit the key for every cluster)");
    for (const located_string& item : *listed) {
        if (!cfg.discovery.enabled && !known_cluster(cfg, item.text))
            m.diag().add(item.mark, item.path, "unknown cluster \"" + item.text + "\"");
        else
            out.push_back(item.text);
    }
    return out;
}

std::optional<alertmanager_config> read_alertmanager(const load_context& ctx,
                                                     const map_reader& root,
                                                     const sesmon::config& cfg) {
    if (!root.has("alertmanager"))
        return std::nullopt;
    const map_reader m = root.child("alertmanager", alertmanager_keys);
    alertmanager_config out;
    if (!m.read("url", out.url) || out.url.empty()) {
        if (!m.has("url"))
            m.diag().add(m.mark(), m.path("url"), "required, e.g. http://127.0.0.1:9093");
    } else if (auto problem = check_url(out.url); !problem.empty()) {
        m.fail("url", problem);
    }
    out.created_by = "ses-upgrade-monitor/" + (cfg.ha ? cfg.ha->member : host_name());
    out.token = ctx.secret_file(m, "token_file");
    out.ca_file = ctx.ca_file(m, "ca_file");
    m.read("margin", out.margin, map_reader::zero_duration::allowed);
    m.read("timeout", out.timeout);
    const map_reader retry = m.child("retry", {"initial_backoff", "max_backoff"});
    retry.read("initial_backoff", out.initial_backoff);
    retry.read("max_backoff", out.max_backoff);
    if (out.max_backoff < out.initial_backoff)
        retry.fail_here("max_backoff must not be shorter than initial_backoff");

    std::vector<located_string> templates{{"cluster=\"{cluster}\"", m.mark(), m.path("matchers")}};
    if (auto listed = m.read_strings("matchers"))
        templates = std::move(*listed);
    bool lacking_label = false;  // then "may match empty" would only repeat it
    for (const located_string& item : templates) {
        std::string why;
        auto parsed = silence::parse_matcher(item.text, &why);
        if (!parsed) {
            m.diag().add(item.mark, item.path, why);
            continue;
        }
        for (const std::string& key : silence::label_keys(*parsed)) {
            if (!has_label_key(cfg, key)) {
                lacking_label = true;
                m.diag().add(item.mark, item.path,
                             "{label:" + key + "} can never expand: no cluster has the label \"" +
                                 key + "\"");
            }
        }
        out.matchers.push_back(std::move(*parsed));
    }
    if (out.matchers.size() == templates.size() && !lacking_label) {
        if (auto problem = silence::check_selects_something(out.matchers); !problem.empty())
            m.fail(m.has("matchers") ? "matchers" : "url", problem);
    }
    return out;
}

std::vector<maintenance_window> read_maintenance(const map_reader& root,
                                                 const sesmon::config& cfg) {
    std::vector<maintenance_window> out;
    const YAML::Node list = root.value("maintenance");
    if (!list.IsDefined())
        return out;
    if (!list.IsSequence()) {
        root.fail("maintenance", "expected a list of windows");
        return out;
    }
    std::size_t index = 0;
    for (const YAML::Node& item : list) {
        const map_reader m(root.diag(), item, "maintenance[" + std::to_string(index++) + "]",
                           window_keys, item.Mark());
        if (!m.is_mapping())
            continue;
        maintenance_window w;
        if (!m.read("name", w.name)) {
            if (!m.has("name"))
                m.diag().add(m.mark(), m.path("name"), "required");
        } else if (!valid_label(w.name)) {
            m.fail("name", std::string(label_rule));
        } else if (std::any_of(out.begin(), out.end(),
                               [&](const maintenance_window& o) { return o.name == w.name; })) {
            m.fail("name", "duplicate window name \"" + w.name + "\"");
        }
        w.labels = read_labels(m);
        w.clusters = read_cluster_names(m, cfg);
        if (m.has("labels") && m.has("clusters"))
            m.fail_key("clusters", "set labels or clusters, not both");
        const auto spans = one_or_many(m, "weekly");
        if (!spans) {
            if (!m.has("weekly"))
                m.diag().add(m.mark(), m.path("weekly"), "required, e.g. \"Tue 02:00-05:00\"");
        } else {
            if (spans->empty())
                m.fail("weekly", "must give at least one span, e.g. \"Tue 02:00-05:00\"");
            for (const located_string& s : *spans) {
                std::string why;
                if (auto span = silence::parse_weekly(s.text, &why))
                    w.weekly.push_back(std::move(*span));
                else
                    m.diag().add(s.mark, s.path, why);
            }
        }
        if (!m.read("time_zone", w.time_zone)) {
            if (!m.has("time_zone"))
                m.diag().add(m.mark(), m.path("time_zone"), "required, e.g. Asia/Seoul");
        } else {
            std::string why;
            if (auto offset = silence::zone_offset(w.time_zone, &why))
                w.utc_offset = *offset;
            else
                m.fail("time_zone", why);
        }
        out.push_back(std::move(w));
    }
    return out;
}

std::vector<severity> read_severities(const map_reader& m) {
    std::vector<severity> out;
    const auto listed = one_or_many(m, "severity");
    if (!listed)
        return out;
    for (const located_string& item : *listed) {
        if (auto s = parse_severity(item.text)) {
            out.push_back(*s);
        } else {
            m.diag().add(item.mark, item.path,
                         "unknown severity \"" + item.text +
                             "\" (expected info, warning or "
                             "critical)");
        }
    }
    return out;
}

std::vector<route_config> read_routes(const map_reader& root, const sesmon::config& cfg) {
    std::vector<route_config> out;
    const YAML::Node list = root.value("routes");
    if (!list.IsDefined())
        return out;
    if (!list.IsSequence()) {
        root.fail("routes", "expected a list of routes");
        return out;
    }
    std::size_t index = 0;
    for (const YAML::Node& item : list) {
        const map_reader m(root.diag(), item, "routes[" + std::to_string(index++) + "]", route_keys,
                           item.Mark());
        if (!m.is_mapping())
            continue;
        route_config r;
        const map_reader match = m.child("match", match_keys);
        r.labels = read_labels(match);
        r.clusters = read_cluster_names(match, cfg);
        if (auto types = read_event_types(match, "events"))
            r.events = std::move(*types);
        r.severities = read_severities(match);
        m.read("continue", r.continue_matching);
        const auto names = m.read_strings("notifiers");
        if (!names) {
            if (!m.has("notifiers"))
                m.diag().add(m.mark(), m.path("notifiers"), "required: where matching events go");
        } else {
            if (names->empty())
                m.fail("notifiers", "must name at least one notifier");
            for (const located_string& n : *names) {
                const bool known =
                    std::any_of(cfg.notifiers.begin(), cfg.notifiers.end(),
                                [&](const notifier_config& c) { return c.name == n.text; });
                if (!known)
                    m.diag().add(n.mark, n.path, "unknown notifier \"" + n.text + "\"");
                else
                    r.notifiers.push_back(n.text);
            }
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

void read_quiet(const load_context& ctx, const map_reader& root, sesmon::config& out) {
    out.alertmanager = read_alertmanager(ctx, root, out);
    out.maintenance = read_maintenance(root, out);
    out.routes = read_routes(root, out);
}

}  // namespace sesmon::config_file
