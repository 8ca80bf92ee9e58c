#include "sim/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "common/time_format.hpp"
#include "sim/sim_time.hpp"

namespace sesmon::sim {
namespace {

// Reads one YAML document with positions in every error.
class reader {
  public:
    reader(std::string source, wall_time start) : source_(std::move(source)), start_(start) {}

    [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
        auto mark = at.Mark();
        std::ostringstream out;
        out << source_ << ":" << mark.line + 1 << ":" << mark.column + 1 << ": " << message;
        throw scenario_error(out.str());
    }

    void expect_map(const YAML::Node& node, std::string_view what,
                    std::initializer_list<std::string_view> keys) const {
        if (!node.IsMap())
            fail(node, std::string(what) + " must be a mapping");
        for (const auto& item : node) {
            auto key = item.first.as<std::string>();
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                fail(item.first, "unknown key \"" + key + "\" in " + std::string(what));
            }
        }
    }

    std::string text(const YAML::Node& node, std::string_view what) const {
        if (!node.IsScalar())
            fail(node, std::string(what) + " must be a scalar");
        return node.Scalar();
    }
    std::string required_text(const YAML::Node& parent, const char* key,
                              std::string_view what) const {
        auto node = parent[key];
        if (!node)
            fail(parent, std::string(what) + " needs \"" + key + "\"");
        return text(node, key);
    }
    duration dur(const YAML::Node& node) const {
        auto d = common::parse_duration(text(node, "duration"));
        if (!d)
            fail(node, "bad duration \"" + node.Scalar() + "\" (use 90s, 5m, 1h30m)");
        return *d;
    }
    wall_time time(const YAML::Node& node) const {
        auto t = parse_time_spec(text(node, "time"), start_);
        if (!t) {
            fail(node, "bad time \"" + node.Scalar() +
                           "\" (use +90s, -5m, \"2025-03-24 17:09:41\" (KST) or RFC 3339)");
        }
        return *t;
    }
    template <class T>
    T choice(const YAML::Node& node,
             std::initializer_list<std::pair<std::string_view, T>> opts) const {
        auto value = text(node, "value");
        std::string names;
        for (const auto& [name, v] : opts) {
            if (name == value)
                return v;
            names += (names.empty() ? "" : ", ") + std::string(name);
        }
        fail(node, "\"" + value + "\" is not one of: " + names);
    }

    std::vector<stage> stages(const YAML::Node& node) const {
        if (!node.IsSequence() || node.size() == 0)
            fail(node, "stages must be a non-empty list");
        std::vector<stage> out;
        for (const auto& item : node) {
            expect_map(item, "stage", {"name", "duration"});
            out.push_back({required_text(item, "name", "stage"), dur(item["duration"])});
        }
        return out;
    }

    std::vector<fault_spec> faults(const YAML::Node& node, const std::string& cluster) const {
        if (!node.IsSequence())
            fail(node, "faults must be a list");
        std::vector<fault_spec> out;
        for (const auto& item : node) {
            if (!item.IsMap())
                fail(item, "a fault must be a mapping");
            if (!item["kind"])
                fail(item, "a fault needs \"kind\"");
            fault_spec spec;
            spec.cluster = cluster;
            // kind first: later keys may depend on it.
            if (auto err =
                    set_fault_field(spec, "kind", text(item["kind"], "kind"), start_, start_);
                !err.empty()) {
                fail(item["kind"], err);
            }
            for (const auto& kv : item) {
                auto key = kv.first.as<std::string>();
                if (key == "kind")
                    continue;
                if (key == "count" || key == "seconds") {
                    fail(kv.first, "\"" + key + "\" is only for POST /_sim/faults");
                }
                if (auto err = set_fault_field(spec, key, text(kv.second, key), start_, start_);
                    !err.empty()) {
                    fail(kv.first, err);
                }
            }
            out.push_back(std::move(spec));
        }
        return out;
    }

    node_plan plan(const YAML::Node& node) const {
        expect_map(node, "node plan", {"stages", "stuck", "fail", "replaced_by"});
        node_plan p;
        if (node["stages"])
            p.stages = stages(node["stages"]);
        if (auto stuck = node["stuck"]) {
            expect_map(stuck, "stuck", {"stage", "for"});
            p.stuck_stage = required_text(stuck, "stage", "stuck");
            if (!stuck["for"] || text(stuck["for"], "for") == "forever") {
                p.stuck_forever = true;
            } else {
                p.stuck_for = dur(stuck["for"]);
            }
        }
        if (auto f = node["fail"]) {
            expect_map(f, "fail", {"stage", "after", "status"});
            p.fail_stage = required_text(f, "stage", "fail");
            if (f["after"])
                p.fail_after = dur(f["after"]);
            if (f["status"])
                p.fail_word = text(f["status"], "status");
        }
        if (auto r = node["replaced_by"]) {
            expect_map(r, "replaced_by", {"hostname", "at_stage"});
            p.replaced_by = required_text(r, "hostname", "replaced_by");
            if (r["at_stage"])
                p.replace_stage = text(r["at_stage"], "at_stage");
        }
        return p;
    }

    upgrade_spec upgrade(const YAML::Node& node, const cluster_spec& c) const {
        expect_map(node, "upgrade",
                   {"start", "target_version", "order", "stages", "gap", "nodes", "after_complete",
                    "idle_after", "vanish_after"});
        upgrade_spec u;
        if (!node["start"])
            fail(node, "upgrade needs \"start\"");
        u.start = time(node["start"]);
        u.target_version = required_text(node, "target_version", "upgrade");
        if (!node["stages"])
            fail(node, "upgrade needs \"stages\"");
        u.stages = stages(node["stages"]);
        if (node["gap"])
            u.gap = dur(node["gap"]);
        std::set<std::string> hostnames;
        for (const auto& n : c.nodes)
            hostnames.insert(n.hostname);
        if (auto order = node["order"]) {
            if (!order.IsSequence())
                fail(order, "order must be a list of hostnames");
            std::set<std::string> seen;
            for (const auto& h : order) {
                auto name = text(h, "hostname");
                if (!hostnames.count(name))
                    fail(h, "order names unknown node \"" + name + "\"");
                if (!seen.insert(name).second)
                    fail(h, "order names \"" + name + "\" twice");
                u.order.push_back(name);
            }
            if (seen.size() != hostnames.size())
                fail(order, "order must name every node once");
        } else {
            for (const auto& n : c.nodes)
                u.order.push_back(n.hostname);
        }
        if (auto plans = node["nodes"]) {
            if (!plans.IsMap())
                fail(plans, "upgrade.nodes must map hostnames to plans");
            for (const auto& kv : plans) {
                auto name = kv.first.as<std::string>();
                if (!hostnames.count(name))
                    fail(kv.first, "unknown node \"" + name + "\"");
                auto p = plan(kv.second);
                const auto& st = p.stages.empty() ? u.stages : p.stages;
                auto has = [&](const std::optional<std::string>& s) {
                    return !s || std::any_of(st.begin(), st.end(),
                                             [&](const stage& x) { return x.name == *s; });
                };
                if (!has(p.stuck_stage) || !has(p.fail_stage) || !has(p.replace_stage)) {
                    fail(kv.second,
                         "a stage named in the plan of \"" + name + "\" is not among its stages");
                }
                u.nodes.emplace(name, std::move(p));
            }
        }
        if (auto after = node["after_complete"]) {
            u.idle_after_complete = choice<bool>(after, {{"stay", false}, {"idle", true}});
        }
        if (node["idle_after"])
            u.idle_after = dur(node["idle_after"]);
        if (node["vanish_after"])
            u.vanish_after = dur(node["vanish_after"]);
        return u;
    }

    std::vector<time_window> windows(const YAML::Node& node) const {
        if (!node.IsSequence())
            fail(node, "a list of {from, until} windows is expected");
        std::vector<time_window> out;
        for (const auto& item : node) {
            expect_map(item, "window", {"from", "until"});
            if (!item["from"])
                fail(item, "a window needs \"from\"");
            time_window w{time(item["from"]), std::nullopt};
            if (item["until"]) {
                w.until = time(item["until"]);
                if (*w.until <= w.from)
                    fail(item["until"], "until must be later than from");
            }
            out.push_back(w);
        }
        return out;
    }

    opensearch_spec opensearch(const YAML::Node& node, const cluster_spec& c) const {
        expect_map(node, "opensearch",
                   {"username", "password", "shards_per_node", "recovery", "red", "unreachable",
                    "stuck_recovery", "absent_nodes", "snapshot"});
        opensearch_spec o;
        if (node["username"])
            o.username = text(node["username"], "username");
        if (node["password"])
            o.password = text(node["password"], "password");
        if (o.username.empty() != o.password.empty())
            fail(node, "opensearch needs both username and password, or neither");
        if (auto n = node["shards_per_node"]) {
            try {
                o.shards_per_node = n.as<int>();
            } catch (const YAML::Exception&) {
                fail(n, "shards_per_node must be an integer");
            }
            if (o.shards_per_node < 1 || o.shards_per_node > 1000)
                fail(n, "shards_per_node must be between 1 and 1000");
        }
        if (node["recovery"])
            o.recovery = dur(node["recovery"]);
        if (o.recovery <= duration::zero())
            fail(node, "recovery must be longer than 0s");
        if (node["red"])
            o.red = windows(node["red"]);
        if (node["unreachable"])
            o.unreachable = windows(node["unreachable"]);
        const auto known = [&](const YAML::Node& at, const std::string& host) {
            if (std::none_of(c.nodes.begin(), c.nodes.end(),
                             [&](const node_spec& n) { return n.hostname == host; }))
                fail(at, "unknown node \"" + host + "\"");
        };
        if (auto stuck = node["stuck_recovery"]) {
            expect_map(stuck, "stuck_recovery", {"node", "percent"});
            o.stuck_recovery_node = required_text(stuck, "node", "stuck_recovery");
            known(stuck["node"], *o.stuck_recovery_node);
            if (auto p = stuck["percent"]) {
                try {
                    o.stuck_recovery_percent = p.as<double>();
                } catch (const YAML::Exception&) {
                    fail(p, "percent must be a number");
                }
                if (o.stuck_recovery_percent < 0 || o.stuck_recovery_percent >= 100)
                    fail(p, "percent must be at least 0 and below 100");
            }
        }
        if (auto absent = node["absent_nodes"]) {
            if (!absent.IsSequence())
                fail(absent, "absent_nodes must be a list of hostnames");
            for (const auto& h : absent) {
                o.absent_nodes.push_back(text(h, "hostname"));
                known(h, o.absent_nodes.back());
            }
        }
        if (auto snap = node["snapshot"]) {
            const std::string value = text(snap, "snapshot");
            if (value == "fresh") {
                o.snapshot = opensearch_spec::snapshot_kind::fresh;
            } else if (value == "none") {
                o.snapshot = opensearch_spec::snapshot_kind::none;
            } else {
                o.snapshot = opensearch_spec::snapshot_kind::at;
                o.snapshot_at = time(snap);
            }
        }
        return o;
    }

    cluster_spec cluster(const YAML::Node& node) const {
        expect_map(node, "cluster",
                   {"name", "instance_no", "region", "version", "nodes", "upgrade", "idle_response",
                    "pending_word", "complete_word", "updated_date", "faults", "appears",
                    "disappears", "listing", "vpc_name", "opensearch"});
        cluster_spec c;
        c.name = required_text(node, "name", "cluster");
        c.instance_no = required_text(node, "instance_no", "cluster");
        if (node["region"]) {
            c.region = text(node["region"], "region");
            if (region_prefix(c.region).empty()) {
                fail(node["region"], "region must be KR, SGN, JPN or KRS");
            }
        }
        c.version = required_text(node, "version", "cluster");
        auto nodes = node["nodes"];
        if (!nodes || !nodes.IsSequence() || nodes.size() == 0) {
            fail(nodes ? nodes : node, "cluster needs a non-empty \"nodes\" list");
        }
        std::set<std::string> seen;
        for (const auto& n : nodes) {
            expect_map(n, "node", {"hostname", "role", "updated"});
            node_spec spec{required_text(n, "hostname", "node"), "D",
                           start_ - std::chrono::hours(1)};
            if (!seen.insert(spec.hostname).second)
                fail(n, "duplicate hostname " + spec.hostname);
            if (n["role"]) {
                spec.role = choice<std::string>(
                    n["role"], {{"M", "M"}, {"D", "D"}, {"DO", "DO"}, {"MO", "MO"}});
            }
            if (n["updated"])
                spec.updated = time(n["updated"]);
            c.nodes.push_back(std::move(spec));
        }
        if (node["upgrade"])
            c.upgrade = upgrade(node["upgrade"], c);
        if (auto idle = node["idle_response"]) {
            c.idle = choice<idle_variant>(idle,
                                          {{"empty_list", idle_variant::empty_list},
                                           {"missing_list", idle_variant::missing_list},
                                           {"null_version", idle_variant::null_version},
                                           {"service_error", idle_variant::service_error},
                                           {"service_error_200", idle_variant::service_error_200}});
        }
        if (node["pending_word"])
            c.pending_word = text(node["pending_word"], "pending_word");
        if (node["complete_word"])
            c.complete_word = text(node["complete_word"], "complete_word");
        if (auto d = node["updated_date"]) {
            c.dates = choice<date_anomaly>(d, {{"normal", date_anomaly::none},
                                               {"future", date_anomaly::future},
                                               {"unparsable", date_anomaly::unparsable}});
        }
        if (node["faults"])
            c.faults = faults(node["faults"], c.instance_no);
        if (node["appears"])
            c.appears = time(node["appears"]);
        if (node["disappears"])
            c.disappears = time(node["disappears"]);
        if (c.appears && c.disappears && *c.disappears <= *c.appears)
            fail(node["disappears"], "disappears must be later than appears");
        if (auto listing = node["listing"])
            c.disallowed = choice<bool>(listing, {{"allowed", false}, {"disallowed", true}});
        if (node["vpc_name"])
            c.vpc_name = text(node["vpc_name"], "vpc_name");
        if (node["opensearch"])
            c.opensearch = opensearch(node["opensearch"], c);
        return c;
    }

    scenario document(const YAML::Node& root) {
        expect_map(root, "scenario",
                   {"start", "region_no", "seed", "clusters", "faults", "versions"});
        scenario s;
        s.source = source_;
        if (root["start"]) {
            start_ = time(root["start"]);
        }
        s.start = start_;
        if (auto r = root["region_no"]) {
            s.region_no_required = choice<bool>(r, {{"optional", false}, {"required", true}});
        }
        if (auto seed = root["seed"]) {
            try {
                s.seed = seed.as<std::uint64_t>();
            } catch (const YAML::Exception&) {
                fail(seed, "seed must be a non-negative integer");
            }
        }
        auto clusters = root["clusters"];
        if (!clusters || !clusters.IsSequence())
            fail(root, "scenario needs a \"clusters\" list");
        std::set<std::string> instance_numbers;
        for (const auto& c : clusters) {
            auto spec = cluster(c);
            if (!instance_numbers.insert(spec.instance_no).second) {
                fail(c, "duplicate instance_no " + spec.instance_no);
            }
            s.clusters.push_back(std::move(spec));
        }
        if (root["faults"])
            s.faults = faults(root["faults"], "");
        if (auto versions = root["versions"]) {
            if (!versions.IsSequence())
                fail(versions, "versions must be a list of version codes");
            s.versions.clear();
            for (const auto& v : versions)
                s.versions.push_back(text(v, "version code"));
        }
        for (const auto& c : s.clusters) {
            s.versions.push_back(c.version);
            if (c.upgrade)
                s.versions.push_back(c.upgrade->target_version);
        }
        std::sort(s.versions.begin(), s.versions.end());
        s.versions.erase(std::unique(s.versions.begin(), s.versions.end()), s.versions.end());
        return s;
    }

  private:
    std::string source_;
    wall_time start_;
};

}  // namespace

scenario parse_scenario(const std::string& yaml_text, const std::string& source, wall_time now) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::ParserException& e) {
        std::ostringstream out;
        out << source << ":" << e.mark.line + 1 << ":" << e.mark.column + 1 << ": " << e.msg;
        throw scenario_error(out.str());
    }
    if (!root.IsDefined() || root.IsNull()) {
        throw scenario_error(source + ":1:1: empty scenario (needs a \"clusters\" list)");
    }
    reader r(source, now);
    try {
        return r.document(root);
    } catch (const YAML::Exception& e) {
        std::ostringstream out;
        out << source << ":" << e.mark.line + 1 << ":" << e.mark.column + 1 << ": " << e.msg;
        throw scenario_error(out.str());
    }
}

scenario load_scenario_file(const std::string& path, wall_time now) {
    std::ifstream in(path);
    if (!in)
        throw scenario_error(path + ": cannot open scenario file");
    std::stringstream text;
    text << in.rdbuf();
    return parse_scenario(text.str(), path, now);
}

bool exists_at(const cluster_spec& c, wall_time now) {
    return (!c.appears || now >= *c.appears) && (!c.disappears || now < *c.disappears);
}

std::string region_prefix(const std::string& region) {
    if (region == "KR")
        return "/api/v2";
    if (region == "SGN")
        return "/api/sgn-v2";
    if (region == "JPN")
        return "/api/jpn-v2";
    if (region == "KRS")
        return "/api/krs-v2";
    return {};
}

std::string region_number(const std::string& region) {
    if (region == "KR")
        return "1";
    if (region == "SGN")
        return "7";
    if (region == "JPN")
        return "8";
    return {};
}

void add_generated_clusters(scenario& s, std::size_t count, const generated_fleet& shape) {
    using std::chrono::seconds;
    static constexpr const char* roles[] = {"M", "MO", "D", "DO"};
    for (std::size_t i = 0; i < count; ++i) {
        cluster_spec c;
        char name[32];
        std::snprintf(name, sizeof name, "gen-%05zu", i + 1);
        c.name = name;
        c.instance_no = std::to_string(9000001 + i);
        c.version = "2140";
        const std::size_t node_count = shape.nodes != 0 ? shape.nodes : 3 + i % 4;
        upgrade_spec u;
        u.target_version = "2150";
        // Staggered so that at any moment clusters are at every point of their upgrade.
        const auto window = static_cast<std::size_t>(900 + shape.spread.count());
        u.start = s.start + shape.spread - seconds(static_cast<long long>((i * 37) % window));
        u.stages = {{"Upgrade_OpenSearch", seconds(60 + static_cast<long long>(i % 5) * 30)},
                    {"Upgrade_Plugin", seconds(20)}};
        for (std::size_t n = 0; n < node_count; ++n) {
            std::string host = c.name + "-" + std::to_string(n + 1);
            c.nodes.push_back({host, roles[n % 4], u.start - std::chrono::hours(1)});
            u.order.push_back(host);
        }
        c.upgrade = std::move(u);
        s.clusters.push_back(std::move(c));
    }
}

}  // namespace sesmon::sim
