// `ses-upgrade-monitor preflight [-c FILE] CLUSTER [--to VERSION] [--format table|json]`
// (SPEC §2): is the cluster ready for a rolling upgrade? Asks the API for the cluster
// (getClusterInfo), the versions on offer (getSearchEngineVersionList) and its pre-check of
// the target (rollingUpgradePreCheck), and — with an `opensearch` section — the cluster
// itself for its health and latest snapshot; then preflight_checks decides. Read-only: it
// calls nothing that changes the cluster (rollingUpgradeCluster never).
// Exit 0 go, 1 no-go (every reason listed), 2 could not decide (the API could not be
// asked), bad usage or an invalid configuration.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <optional>

#include "cli/api_http.hpp"
#include "cli/commands.hpp"
#include "cli/discovery_once.hpp"
#include "cli/preflight_checks.hpp"
#include "cli/preflight_view.hpp"
#include "config/report.hpp"
#include "ncp/client.hpp"
#include "net/https_client.hpp"
#include "opensearch/addresses.hpp"
#include "sesmon/clock.hpp"

namespace sesmon::cli {

namespace {

// The cluster named `name`: configured, else (discovery on) found by one listing now.
// nullopt, with the reason on stderr, when there is none.
std::optional<cluster_config> find_cluster(boost::asio::io_context& io, ncp::client& api,
                                           const sesmon::config& cfg, const std::string& name) {
    for (const auto& c : cfg.clusters) {
        if (c.name == name)
            return c;
    }
    if (cfg.discovery.enabled) {
        const auto listing = list_clusters_once(io, api, cfg);
        if (listing) {
            for (const auto& c : discovered_now(*listing, cfg)) {
                if (c.name == name)
                    return c;
            }
        } else {
            std::cerr << "ses-upgrade-monitor: cannot read the cluster list ("
                      << listing.error().describe() << ")\n";
        }
    }
    std::string names;
    for (const auto& c : cfg.clusters)
        names += (names.empty() ? "" : ", ") + c.name;
    std::cerr << "ses-upgrade-monitor: unknown cluster \"" << name
              << "\" (configured: " << (names.empty() ? "none" : names) << ")\n";
    return std::nullopt;
}

// Everything the checks need, asked in order; stops asking the API at its first failure.
boost::asio::awaitable<void> gather(ncp::client& api, http_client* view_http,
                                    const sesmon::config& cfg, preflight_facts& f,
                                    target_choice& target) {
    const cluster_target where{f.cluster.instance_no, f.cluster.region};
    auto asking_info = api.fetch_cluster_info(where);
    auto info = co_await std::move(asking_info);
    if (!info) {
        f.info_error = info.error().message;
        co_return;
    }
    f.info = *info;
    auto asking_versions = api.fetch_version_list(f.cluster.region);
    auto versions = co_await std::move(asking_versions);
    if (!versions) {
        f.versions_error = versions.error().message;
        co_return;
    }
    f.versions = *versions;
    target = choose_target(f.info->version_code, *f.versions, f.requested_target);
    if (target.version) {
        auto asking = api.precheck(where, target.version->code);
        auto verdict = co_await std::move(asking);
        if (verdict)
            f.precheck = *verdict;
        else
            f.precheck_error = verdict.error().message;
    }
    if (!f.cluster.opensearch || view_http == nullptr)
        co_return;
    auto finding = opensearch::find_access(api, where, *f.cluster.opensearch, cfg.api.timeout);
    auto access = co_await std::move(finding);
    if (!access.found) {
        f.reading_error = f.snapshots_error = access.error;
        co_return;
    }
    opensearch::reader reader(*view_http, std::move(*access.found));
    auto reading_view = reader.read(f.now);
    auto reading = co_await std::move(reading_view);
    if (reading.reading)
        f.reading = std::move(reading.reading);
    else
        f.reading_error = reading.error;
    auto listing = reader.read_snapshots();
    auto snapshots = co_await std::move(listing);
    if (snapshots.snapshots)
        f.snapshots = std::move(snapshots.snapshots);
    else
        f.snapshots_error = snapshots.error;
}

}  // namespace

int preflight(const std::string& config_path, const std::string& cluster_name,
              const std::optional<std::string>& to_version, const std::string& format) {
    const auto cfg = config_file::load_or_report(config_path, std::cerr);
    if (!cfg)
        return 2;
    boost::asio::io_context io(1);
    const auto http = api_http_client(io, *cfg, config_path);
    if (!http)
        return 2;
    ncp::client api(*http, cfg->api);
    const auto cluster = find_cluster(io, api, *cfg, cluster_name);
    if (!cluster)
        return 2;

    std::optional<net::https_client> view_http;
    if (cluster->opensearch) {
        try {
            view_http.emplace(io.get_executor(),
                              net::https_client_options{.ca_file = cluster->opensearch->ca_file});
        } catch (const std::exception& e) {
            std::cerr << "ses-upgrade-monitor: " << config_path
                      << ": opensearch.ca_file: " << e.what() << '\n';
            return 2;
        }
    }
    preflight_facts facts;
    facts.cluster = *cluster;
    facts.requested_target = to_version;
    facts.now = system_clock().wall_now();
    target_choice target;
    std::exception_ptr failure;
    boost::asio::co_spawn(io, gather(api, view_http ? &*view_http : nullptr, *cfg, facts, target),
                          [&](std::exception_ptr e) { failure = e; });
    io.restart();
    io.run();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            std::cerr << "ses-upgrade-monitor: preflight failed inside: " << e.what() << '\n';
        }
        return 2;
    }
    const auto report = judge(facts, target);
    std::cout << (format == "json" ? preflight_json(report) + "\n" : preflight_table(report));
    std::cout.flush();
    return report.exit_code();
}

}  // namespace sesmon::cli
