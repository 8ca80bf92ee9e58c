// `ses-upgrade-monitor status` (SPEC §2): load the configuration, poll every selected
// cluster once (with discovery on: the configured ones and those one listing finds now,
// marked discovered; a listing that fails is reported and exits 1), print the table or JSON. Both
// come from the view model the HTTP API and the dashboard use (cli/status_view.hpp): the table is
// web::to_table, the JSON is the /api/v1/clusters document. Exit 0 when every poll succeeded, 1
// when any failed (its classified reason is in the output, and repeated on stderr), 2 for
// configuration errors and unknown cluster names.
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

}  // namespace

int status(const std::string& config_path, const std::optional<std::string>& cluster,
           const std::string& format) {
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
    const auto clusters = select(cfg, cluster);
    if (!clusters) {
        std::cerr << "ses-upgrade-monitor: unknown cluster \"" << *cluster
                  << "\" (configured: " << names_of(cfg.clusters) << ")\n";
        return 2;
    }
    if (clusters->empty()) {
        if (cfg.discovery.enabled && exit_code == 0) {
            std::cerr << "ses-upgrade-monitor: no clusters configured or discovered\n";
            return 0;
        }
        std::cerr << "ses-upgrade-monitor: " << config_path << ": no clusters configured\n";
        return exit_code == 0 ? 2 : exit_code;
    }
    const auto statuses = poll_all(io, api, *clusters, cfg.api.max_in_flight);

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
    const stored_eta eta(cfg);
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (statuses[i].result && view.clusters[i].upgrade_in_progress) {
            view.clusters[i].expected_finish =
                eta.of_poll(statuses[i].cluster, *statuses[i].result, now);
        }
    }
    if (format == "json") {
        std::cout << web::to_json(view) << '\n';
    } else {
        if (seat)
            std::cout << describe_seat(*seat) << "\n\n";
        std::cout << web::to_table(view.clusters);
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
    for (const auto& s : statuses) {
        if (!s.result) {
            std::cerr << "ses-upgrade-monitor: " << s.cluster.name << ": "
                      << s.result.error().message << '\n';
            exit_code = 1;
        }
    }
    return exit_code;
}

}  // namespace sesmon::cli
