#include "cli/preflight_checks.hpp"

#include "common/engine_version.hpp"
#include "common/time_format.hpp"

namespace sesmon::cli {

namespace {

std::optional<common::engine_version_number> number_of(const engine_version& v) {
    if (auto n = common::parse_engine_version(v.name))
        return n;
    return common::parse_engine_version(v.code);
}

std::string label(const engine_version& v) {
    const auto n = number_of(v);
    return n ? n->text() + " (" + v.code + ")" : v.code;
}

void add(preflight_report& r, std::string name, std::string result, std::string detail) {
    if (result == "no")
        r.reasons.push_back(name + ": " + detail);
    r.checks.push_back({std::move(name), std::move(result), std::move(detail)});
}

void check_adjacency(preflight_report& r, const std::string& current_code,
                     const target_choice& target) {
    if (!target.version) {
        add(r, "adjacent majors", "skipped", "no target version");
        return;
    }
    const auto from = common::parse_engine_version(current_code);
    const auto to = number_of(*target.version);
    if (!from || !to) {
        add(r, "adjacent majors", "unknown",
            "cannot compare versions " + current_code + " and " + target.version->code);
        return;
    }
    if (auto why = common::rolling_upgrade_refusal(*from, *to); !why.empty()) {
        add(r, "adjacent majors", "no", why);
    } else {
        add(r, "adjacent majors", "ok",
            from->text() + " → " + to->text() +
                (from->major == to->major ? " within major " + std::to_string(to->major)
                                          : " to the next major"));
    }
}

void check_snapshot(preflight_report& r, const preflight_facts& f) {
    const std::string name = "latest snapshot";
    if (!f.cluster.opensearch) {
        add(r, name, "skipped",
            "needs the opensearch view (the API's pre-check looks at snapshots itself)");
        return;
    }
    if (!f.snapshots) {
        add(r, name, "unknown", "cannot list snapshots: " + f.snapshots_error);
        return;
    }
    const auto latest = opensearch::latest_successful(*f.snapshots);
    if (!latest) {
        add(r, name, "no",
            "no successful snapshot found; a rolling upgrade needs one from the last 6 hours");
        return;
    }
    const auto age = f.now - *latest->end;
    const std::string what =
        latest->id + " ended " +
        common::format_duration(std::chrono::duration_cast<std::chrono::seconds>(
            std::max(age, decltype(age)::zero()))) +
        " ago";
    if (age > max_snapshot_age) {
        add(r, name, "no", what + " (at most 6h old is required): take a snapshot first");
    } else {
        add(r, name, "ok", what);
    }
}

void check_health(preflight_report& r, const preflight_facts& f) {
    const std::string name = "cluster health";
    if (!f.cluster.opensearch) {
        add(r, name, "skipped", "needs the opensearch view");
        return;
    }
    if (!f.reading) {
        add(r, name, "unknown", "OpenSearch view unavailable: " + f.reading_error);
        return;
    }
    const cluster_reading& c = *f.reading;
    const std::string shards = std::to_string(c.shards.initializing) + " initializing, " +
                               std::to_string(c.shards.relocating) + " relocating, " +
                               std::to_string(c.shards.unassigned) + " unassigned shards";
    if (c.health == "green") {
        add(r, name, "ok", "green, " + std::to_string(c.number_of_nodes) + " nodes");
    } else {
        add(r, name, "no",
            c.health + " (" + shards +
                "): wait for green, a node restarting now could lose "
                "the last copy of a shard");
    }
}

}  // namespace

target_choice choose_target(const std::string& current_code,
                            const std::vector<engine_version>& offered,
                            const std::optional<std::string>& requested) {
    target_choice out;
    if (requested) {
        const auto wanted = common::parse_engine_version(*requested);
        for (const engine_version& v : offered) {
            const auto n = number_of(v);
            if (v.code == *requested || (wanted && n && *wanted == *n)) {
                out.version = v;
                out.how = "requested";
                return out;
            }
        }
        std::string names;
        for (const engine_version& v : offered)
            names += (names.empty() ? "" : ", ") + label(v);
        out.problem = *requested + " is not among the versions offered (" +
                      (names.empty() ? "none" : names) + ")";
        return out;
    }
    const auto from = common::parse_engine_version(current_code);
    if (!from) {
        out.problem = "the current version " + current_code + " does not parse: give --to";
        return out;
    }
    std::optional<common::engine_version_number> best_number;
    for (const engine_version& v : offered) {
        const auto n = number_of(v);
        if (!n || !common::rolling_upgrade_refusal(*from, *n).empty())
            continue;
        if (!best_number || *n > *best_number) {
            best_number = n;
            out.version = v;
        }
    }
    if (!out.version) {
        out.problem =
            "no offered version is newer and reachable in one rolling upgrade from " + from->text();
        return out;
    }
    out.how = "the newest version a rolling upgrade reaches";
    return out;
}

preflight_report judge(const preflight_facts& f, const target_choice& target) {
    preflight_report r;
    r.cluster = {f.cluster.name, f.cluster.instance_no, f.cluster.region};
    r.target = target;
    if (f.versions)
        r.versions = *f.versions;
    if (f.info) {
        r.current_code = f.info->version_code;
        r.cluster_status = f.info->status;
        if (const auto n = common::parse_engine_version(r.current_code))
            r.current_name = n->text();
    }
    // What the API could not answer decides nothing: the whole verdict is undecided.
    for (const auto& [missing, why] :
         {std::pair{!f.info, "getClusterInfo: " + f.info_error},
          std::pair{!f.versions, "getSearchEngineVersionList: " + f.versions_error},
          std::pair{target.version && !f.precheck,
                    "rollingUpgradePreCheck: " + f.precheck_error}}) {
        if (missing)
            r.reasons.push_back(why);
    }
    if (!r.reasons.empty()) {
        r.verdict = "undecided";
        return r;
    }

    if (r.cluster_status == "running") {
        add(r, "cluster status", "ok", "running");
    } else {
        add(r, "cluster status", "no",
            (r.cluster_status.empty() ? std::string("unknown") : r.cluster_status) +
                ": an upgrade starts from a running cluster");
    }
    if (target.version) {
        add(r, "target version", "ok", label(*target.version) + ", " + target.how);
    } else {
        add(r, "target version", "no", target.problem);
    }
    check_adjacency(r, r.current_code, target);
    if (f.precheck) {
        add(r, "API pre-check", f.precheck->passed ? "ok" : "no",
            f.precheck->message.empty() ? (f.precheck->passed ? "passed" : "refused")
                                        : f.precheck->message);
    } else {
        add(r, "API pre-check", "skipped", "no target version to ask about");
    }
    check_snapshot(r, f);
    check_health(r, f);
    r.verdict = r.reasons.empty() ? "go" : "no-go";
    return r;
}

}  // namespace sesmon::cli
