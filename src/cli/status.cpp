// `ses-upgrade-monitor status` (SPEC §2): load the configuration, poll every selected
// cluster once (with discovery on: the configured ones and those one listing finds now,
// marked discovered; a listing that fails is reported and exits 1), then print one fleet
// summary line and the clusters needing attention (failed, stalled, blind, upgrading) as one
// row each (web/fleet_table.hpp); `--all`, `--state` and `--label` choose others, `--cluster`
// shows one cluster with its nodes (web::to_table). `--format json` prints the
// /api/v1/clusters document of the same selection. Everything comes from the view model the
// HTTP API and the dashboard use (cli/status_view.hpp). `--label` is known before polling:
// only matching clusters are polled (and counted). Exit 0 when every poll succeeded, 1 when
// any failed (its classified reason is in the output, and repeated on stderr), 2 for
// configuration errors, unknown cluster names and bad filters.
//
// In an HA group (`ha:`), it also reads the group's leader key from etcd and shows this
// member's role and the current leader (cli/ha_seat.hpp): a line above the table, the `ha`
// object in the JSON. etcd unreadable: the reason, exit 1; nobody leads: a warning.
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/discovery_once.hpp"
#include "cli/ha_seat.hpp"
#include "cli/opensearch_once.hpp"
#include "cli/status_poll.hpp"
#include "cli/status_view.hpp"
#include "cli/stored_eta.hpp"
#include "config/load.hpp"
#include "ncp/client.hpp"
#include "net/https_client.hpp"
#include "sesmon/clock.hpp"
#include "web/fleet_state.hpp"
#include "web/fleet_table.hpp"
#include "web/status_table.hpp"
#include "web/view_model.hpp"

namespace sesmon::cli {

namespace {

// How long `status` waits for etcd (every endpoint included) before reporting it unreachable.
constexpr auto ha_read_timeout = std::chrono::seconds(5);

// The clusters to poll: all, or the one named by --cluster (nullopt: unknown name).
std::optional<std::vector<cluster_config>> select(const sesmon::config& cfg,
                                                  const std::optional<std::string>& name) {
    if (!name)
        return cfg.clusters;
    for (const auto& c : cfg.clusters) {
        if (c.name == *name)
            return std::vector<cluster_config>{c};
    }
    return std::nullopt;
}

std::string names_of(const std::vector<cluster_config>& clusters) {
    std::string out;
    for (const auto& c : clusters)
        out += (out.empty() ? "" : ", ") + c.name;
    return out.empty() ? "none" : out;
}

// The filters as typed, checked; `error` says what is wrong.
struct filters {
    std::vector<web::fleet_state> states;
    std::vector<label_selector> labels;
    std::string error;
};

filters read_filters(const status_options& o) {
    filters f;
    for (const std::string& given : o.states) {
        std::string_view rest = given;
        while (true) {  // "stalled,failed" as well as --state stalled --state failed
            const auto comma = rest.find(',');
            const auto state = web::parse_fleet_state(rest.substr(0, comma));
            if (!state) {
                f.error = "--state " + std::string(rest.substr(0, comma)) +
                          ": expected failed, stalled, blind, upgrading, finished or idle";
                return f;
            }
            f.states.push_back(*state);
            if (comma == std::string_view::npos)
                break;
            rest = rest.substr(comma + 1);
        }
    }
    for (const std::string& given : o.labels) {
        auto selector = parse_label_selector(given, &f.error);
        if (!selector) {
            f.error = "--label " + f.error;
            return f;
        }
        f.labels.push_back(std::move(*selector));
    }
    return f;
}

// The clusters to show, in attention order: the states asked for, else every cluster with
// --all, else those needing attention.
std::vector<web::cluster_view> chosen(const std::vector<web::cluster_view>& views, const filters& f,
                                      bool all, wall_time now) {
    std::vector<const web::cluster_view*> shown;
    for (const auto& v : views) {
        const web::fleet_state s = web::state_of(v, now);
        const bool wanted = !f.states.empty()
                                ? std::find(f.states.begin(), f.states.end(), s) != f.states.end()
                                : all || web::needs_attention(s);
        if (wanted)
            shown.push_back(&v);
    }
    web::sort_by_attention(shown, now);
    std::vector<web::cluster_view> out;
    out.reserve(shown.size());
    for (const auto* v : shown)
        out.push_back(*v);
    return out;
}

}  // namespace

int status(const std::string& config_path, const status_options& options) {
    const std::optional<std::string>& cluster = options.cluster;
    const std::string& format = options.format;
    const filters wanted = read_filters(options);
    if (!wanted.error.empty()) {
        std::cerr << "ses-upgrade-monitor: " << wanted.error << '\n';
        return 2;
    }
    sesmon::config cfg;
    try {
        cfg = config_file::load(config_path);
    } catch (const config_file::error& e) {
        for (const std::string& line : e.lines())
            std::cerr << line << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "ses-upgrade-monitor: " << config_path << ": " << e.what() << '\n';
        return 2;
    }
    boost::asio::io_context io(1);
    std::optional<net::https_client> http;
    try {
        http.emplace(io.get_executor(), net::https_client_options{.ca_file = cfg.api.ca_file});
    } catch (const std::exception& e) {  // an unreadable api.ca_file
        std::cerr << "ses-upgrade-monitor: " << config_path << ": api.ca_file: " << e.what()
                  << '\n';
        return 2;
    }
    ncp::client api(*http, cfg.api);
    int exit_code = 0;
    std::optional<web::ha_view> seat;
    if (cfg.ha) {
        try {
            seat = read_ha_seat(*cfg.ha, ha_read_timeout);
        } catch (const std::exception& e) {  // unusable TLS files of ha.etcd
            std::cerr << "ses-upgrade-monitor: " << config_path << ": ha.etcd: " << e.what()
                      << '\n';
            return 2;
        }
    }
    if (cfg.discovery.enabled) {
        const auto listing = list_clusters_once(io, api, cfg);
        if (listing) {
            const auto found = discovered_now(*listing, cfg);
            cfg.clusters.insert(cfg.clusters.end(), found.begin(), found.end());
        } else {
            std::cerr << "ses-upgrade-monitor: cannot read the cluster list ("
                      << listing.error().describe() << "): discovered clusters are not shown\n";
            exit_code = 1;
        }
    }
    auto clusters = select(cfg, cluster);
    if (!clusters) {
        std::cerr << "ses-upgrade-monitor: unknown cluster \"" << *cluster
                  << "\" (configured: " << names_of(cfg.clusters) << ")\n";
        return 2;
    }
    if (!wanted.labels.empty()) {
        std::erase_if(*clusters,
                      [&](const cluster_config& c) { return !matches(c.labels, wanted.labels); });
        if (clusters->empty()) {
            std::cerr << "ses-upgrade-monitor: no cluster has the labels asked for\n";
            return exit_code;
        }
    }
    if (clusters->empty()) {
        if (cfg.discovery.enabled && exit_code == 0) {
            std::cerr << "ses-upgrade-monitor: no clusters configured or discovered\n";
            return 0;
        }
        std::cerr << "ses-upgrade-monitor: " << config_path << ": no clusters configured\n";
        return exit_code == 0 ? 2 : exit_code;
    }
    // The expected finish of each upgrade in progress, from state.db, worked out as its answer
    // arrives: over a fleet that is most of the command's own CPU, and it overlaps the polls
    // still in flight (docs/performance.md, "The fleet view at 10,000 clusters").
    const stored_eta eta(cfg);
    if (!eta.problem().empty())
        std::cerr << eta.problem() << '\n';
    std::vector<std::optional<wall_time>> finishes(clusters->size());
    const auto estimate = [&](std::size_t i, const progress_result& answer) {
        if (!answer)
            return;
        const cluster_config& c = (*clusters)[i];
        const wall_time at = system_clock().wall_now();
        if (web::from_snapshot(c, *answer, at, cfg.api.time_zone_offset).upgrade_in_progress)
            finishes[i] = eta.of_poll(c, *answer, at);
    };
    const auto statuses = poll_all(io, api, *clusters, cfg.api.max_in_flight, estimate);

    const wall_time now = system_clock().wall_now();
    web::daemon_view view = to_view(statuses, now, cfg.api.time_zone_offset);
    // The clusters' own views (SPEC §16): shown, never a reason for the exit code.
    const auto views =
        read_views_once(io, api, *clusters, cfg.api.timeout, cfg.api.max_in_flight, now);
    for (std::size_t i = 0; i < views.size(); ++i) {
        if (views[i]) {
            view.clusters[i].opensearch = web::make_opensearch_view(*views[i]);
            web::node_versions(view.clusters[i].nodes, *views[i]);
        }
    }
    view.ha = seat;
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (view.clusters[i].upgrade_in_progress)
            view.clusters[i].expected_finish = finishes[i];
    }
    if (cluster) {  // one cluster, with its nodes
        if (format == "json") {
            std::cout << web::to_json(view) << '\n';
        } else {
            if (seat)
                std::cout << describe_seat(*seat) << "\n\n";
            std::cout << web::to_table(view.clusters);
        }
    } else {
        const auto counts = web::count_states(view.clusters, now);
        auto shown = chosen(view.clusters, wanted, options.all, now);
        const std::size_t hidden = view.clusters.size() - shown.size();
        view.clusters = std::move(shown);
        if (format == "json") {
            std::cout << web::to_json(view) << '\n';
        } else {
            if (seat)
                std::cout << describe_seat(*seat) << "\n\n";
            std::cout << web::summary_line(counts) << "\n";
            std::vector<const web::cluster_view*> rows;
            for (const auto& v : view.clusters)
                rows.push_back(&v);
            if (!rows.empty())
                std::cout << "\n" << web::fleet_table(rows, now);
            else if (wanted.states.empty() && !options.all)
                std::cout << "no cluster needs attention\n";
            if (hidden > 0 && !options.all) {
                std::cout << "(" << hidden << (hidden == 1 ? " cluster" : " clusters")
                          << " not shown: --all lists every one, --cluster NAME one with its "
                             "nodes)\n";
            }
        }
    }
    std::cout.flush();
    if (const auto note = clock_note(statuses, now)) {
        std::cerr << "ses-upgrade-monitor: " << *note << '\n';
    }
    if (seat && !seat->problem.empty()) {
        std::cerr << "ses-upgrade-monitor: HA group " << seat->group << ": " << seat->problem
                  << '\n';
        if (seat->role == "unknown")
            exit_code = 1;
    }
    // One line per failed poll, at most 20: a fleet whose keys are wrong fails everywhere.
    constexpr std::size_t most_lines = 20;
    std::size_t failed = 0;
    for (const auto& s : statuses) {
        if (!s.result) {
            if (++failed <= most_lines) {
                std::cerr << "ses-upgrade-monitor: " << s.cluster.name << ": "
                          << s.result.error().message << '\n';
            }
            exit_code = 1;
        }
    }
    if (failed > most_lines)
        std::cerr << "ses-upgrade-monitor: ... and " << failed - most_lines << " more\n";
    return exit_code;
}

}  // namespace sesmon::cli
