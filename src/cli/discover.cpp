// `ses-upgrade-monitor discover` (SPEC §2, §10): read the cluster list once with the
// configured keys and print which clusters discovery would watch, and why the others are
// left out. Works whether or not discovery is enabled (it says so on stderr when off).
// Exit 0 after a complete listing, 1 when the API could not be read (the reason on
// stderr), 2 for configuration errors.
#include <iostream>
#include <optional>

#include "cli/api_http.hpp"
#include "cli/commands.hpp"
#include "cli/discover_view.hpp"
#include "cli/discovery_once.hpp"
#include "config/report.hpp"
#include "ncp/client.hpp"
#include "net/https_client.hpp"

namespace sesmon::cli {

int discover(const std::string& config_path, const std::string& format) {
    const auto cfg = config_file::load_or_report(config_path, std::cerr);
    if (!cfg)
        return 2;
    if (!cfg->discovery.enabled) {
        std::cerr << "ses-upgrade-monitor: discovery is off in " << config_path
                  << "; showing what it would watch if enabled\n";
    }
    boost::asio::io_context io(1);
    const auto http = api_http_client(io, *cfg, config_path);
    if (!http)
        return 2;
    ncp::client api(*http, cfg->api);
    const auto listing = list_clusters_once(io, api, *cfg);
    if (!listing) {
        std::cerr << "ses-upgrade-monitor: cannot read the cluster list: "
                  << listing.error().describe() << '\n';
        return 1;
    }
    const auto verdicts = discovery::judge(
        *listing, cfg->discovery, discovery::filter_rules::from(cfg->discovery), cfg->clusters);
    if (format == "json") {
        std::cout << discover_json(cfg->discovery.regions, verdicts) << '\n';
    } else {
        std::cout << discover_table(verdicts);
    }
    std::cout.flush();
    return 0;
}

}  // namespace sesmon::cli
