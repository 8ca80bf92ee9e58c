#include "cli/discovery_once.hpp"

#include <boost/asio/co_spawn.hpp>
#include <optional>

#include "discovery/merge.hpp"
#include "monitor/rate_limiter.hpp"

namespace sesmon::cli {

discovery::listing_result list_clusters_once(boost::asio::io_context& io, cluster_list_source& api,
                                             const sesmon::config& cfg) {
    const sesmon::system_clock clock;
    monitor::rate_limiter limiter(io.get_executor(), clock,
                                  {cfg.api.max_requests_per_second, cfg.api.max_in_flight});
    std::optional<discovery::listing_result> result;
    boost::asio::co_spawn(io, discovery::read_listing(api, limiter, {cfg.discovery.regions}),
                          [&](std::exception_ptr e, discovery::listing_result r) {
                              if (e) {
                                  api_error error;
                                  error.message = "internal error while listing";
                                  r = discovery::listing_failure{"", 0, error};
                              }
                              result = std::move(r);
                          });
    io.restart();
    io.run();
    return std::move(*result);
}

std::vector<cluster_config> discovered_now(const discovery::listing& complete,
                                           const sesmon::config& cfg) {
    const auto known = discovery::update_known({}, complete).known;
    return discovery::plan(known, cfg.discovery, discovery::filter_rules::from(cfg.discovery),
                           cfg.clusters)
        .watched;
}

}  // namespace sesmon::cli
