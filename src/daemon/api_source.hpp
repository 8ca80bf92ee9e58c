#pragma once
// api_source: the daemon's progress_source and cluster_list_source. It forwards to the NAVER
// Cloud client built from the current `api:` section; a reload that changes that section
// swaps the client without disturbing the watchers or discovery (a request already running
// finishes on the client it started on).
// The HTTPS client's keep-alive pool holds api.max_in_flight connections: every request
// in flight can come back to a pooled connection, so a steady poll rate opens none.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>

#include "sesmon/clock.hpp"
#include "sesmon/cluster_details.hpp"
#include "sesmon/cluster_list.hpp"
#include "sesmon/config.hpp"
#include "sesmon/progress_source.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::daemon {

class api_source final : public progress_source,
                         public cluster_list_source,
                         public cluster_details_source {
    class client_bundle;

  public:
    // Throws std::runtime_error when the client cannot be built (e.g. unreadable ca_file).
    // `on_connection_opened` (optional) runs for each new connection to the API.
    api_source(boost::asio::any_io_executor executor, const sesmon::clock& clock,
               std::shared_ptr<spdlog::logger> logger, const api_config& api,
               std::function<void()> on_connection_opened = {});

    boost::asio::awaitable<progress_result> fetch_progress(cluster_target target) override;
    boost::asio::awaitable<cluster_list_result> fetch_cluster_page(std::string region, int page_no,
                                                                   int page_size) override;
    boost::asio::awaitable<cluster_details_result> fetch_cluster_info(
        cluster_target target) override;
    boost::asio::awaitable<node_addresses_result> fetch_node_addresses(
        cluster_target target) override;

    // A client for a new `api:` section, built but not yet in use (SIGHUP builds every new
    // part before it swaps any). `client` is null when nothing the client uses changed (the
    // current client is kept; only its pool is resized to the new max_in_flight).
    struct prepared {
        std::shared_ptr<client_bundle> client;
        api_config api;
    };
    // Throws like the constructor; changes nothing.
    prepared prepare(const api_config& api) const;
    // Puts a prepared client in place (fetches already running finish on the old one).
    // Never throws.
    void install(prepared next);

  private:
    std::shared_ptr<client_bundle> build(const api_config& api) const;

    boost::asio::any_io_executor executor_;
    const sesmon::clock& clock_;
    std::shared_ptr<spdlog::logger> logger_;
    api_config api_;
    std::function<void()> on_connection_opened_;
    std::shared_ptr<client_bundle> current_;
};

}  // namespace sesmon::daemon
