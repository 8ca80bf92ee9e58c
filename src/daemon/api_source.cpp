#include "daemon/api_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ncp/client.hpp"
#include "net/https_client.hpp"

namespace sesmon::daemon {

namespace {

net::https_client_options http_options(const api_config& api, std::function<void()> opened) {
    net::https_client_options o;
    o.ca_file = api.ca_file;
    o.max_idle_connections_per_host = static_cast<std::size_t>(std::max(1, api.max_in_flight));
    o.on_connection_opened = std::move(opened);
    return o;
}

bool client_relevant_change(const api_config& a, const api_config& b) {
    return a.site != b.site || a.region != b.region || a.endpoint != b.endpoint ||
           a.ca_file != b.ca_file || !(a.access_key == b.access_key) ||
           !(a.secret_key == b.secret_key) || a.timeout != b.timeout ||
           a.time_zone_offset != b.time_zone_offset;
}

}  // namespace

// One API client with the HTTPS client (and its connection pool) it talks through.
class api_source::client_bundle final : public progress_source {
  public:
    client_bundle(boost::asio::any_io_executor executor, const api_config& api,
                  std::function<void()> opened)
        : http_(std::move(executor), http_options(api, std::move(opened))), client_(http_, api) {}
    // Not a coroutine itself: hands back the client's own (one frame less per poll).
    boost::asio::awaitable<progress_result> fetch_progress(cluster_target target) override {
        return client_.fetch_progress(std::move(target));
    }
    boost::asio::awaitable<cluster_list_result> fetch_cluster_page(std::string region, int page_no,
                                                                   int page_size) {
        return client_.fetch_cluster_page(std::move(region), page_no, page_size);
    }
    boost::asio::awaitable<cluster_details_result> fetch_cluster_info(cluster_target target) {
        return client_.fetch_cluster_info(std::move(target));
    }
    boost::asio::awaitable<node_addresses_result> fetch_node_addresses(cluster_target target) {
        return client_.fetch_node_addresses(std::move(target));
    }
    void set_pool_size(int max_in_flight) {
        http_.set_max_idle_connections_per_host(
            static_cast<std::size_t>(std::max(1, max_in_flight)));
    }

  private:
    net::https_client http_;
    ncp::client client_;
};

api_source::api_source(boost::asio::any_io_executor executor, const sesmon::clock& clock,
                       std::shared_ptr<spdlog::logger> logger, const api_config& api,
                       std::function<void()> on_connection_opened)
    : executor_(std::move(executor)),
      clock_(clock),
      logger_(std::move(logger)),
      api_(api),
      on_connection_opened_(std::move(on_connection_opened)) {
    current_ = build(api_);
}

api_source::prepared api_source::prepare(const api_config& api) const {
    if (!client_relevant_change(api, api_)) {
        return {nullptr, api};
    }
    return {build(api), api};
}

void api_source::install(prepared next) {
    api_ = std::move(next.api);
    if (next.client) {
        current_ = std::move(next.client);
        logger_->info("API client rebuilt for the new api section");
    } else {
        current_->set_pool_size(api_.max_in_flight);
    }
}

boost::asio::awaitable<progress_result> api_source::fetch_progress(cluster_target target) {
    auto source = current_;  // keeps this client alive for this fetch even across a reload
    co_return co_await source->fetch_progress(std::move(target));
}

boost::asio::awaitable<cluster_list_result> api_source::fetch_cluster_page(std::string region,
                                                                           int page_no,
                                                                           int page_size) {
    auto source = current_;  // as above
    co_return co_await source->fetch_cluster_page(std::move(region), page_no, page_size);
}

boost::asio::awaitable<cluster_details_result> api_source::fetch_cluster_info(
    cluster_target target) {
    auto source = current_;  // as above
    co_return co_await source->fetch_cluster_info(std::move(target));
}

boost::asio::awaitable<node_addresses_result> api_source::fetch_node_addresses(
    cluster_target target) {
    auto source = current_;  // as above
    co_return co_await source->fetch_node_addresses(std::move(target));
}

}  // namespace sesmon::daemon

namespace sesmon::daemon {

std::shared_ptr<api_source::client_bundle> api_source::build(const api_config& api) const {
    return std::make_shared<client_bundle>(executor_, api, on_connection_opened_);
}

}  // namespace sesmon::daemon
