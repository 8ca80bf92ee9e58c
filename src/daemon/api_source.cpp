#include "daemon/api_source.hpp"

#include <spdlog/spdlog.h>

#include "ncp/client.hpp"
#include "net/https_client.hpp"

namespace sesmon::daemon {

namespace {

// One API client with the HTTPS client (and its connection pool) it talks through.
class client_bundle final : public progress_source {
  public:
    client_bundle(boost::asio::any_io_executor executor, const api_config& api)
        : http_(std::move(executor), net::https_client_options{api.ca_file}), client_(http_, api) {}
    boost::asio::awaitable<progress_result> fetch_progress(cluster_target target) override {
        co_return co_await client_.fetch_progress(std::move(target));
    }

  private:
    net::https_client http_;
    ncp::client client_;
};

bool client_relevant_change(const api_config& a, const api_config& b) {
    return a.site != b.site || a.region != b.region || a.endpoint != b.endpoint ||
           a.ca_file != b.ca_file || !(a.access_key == b.access_key) ||
           !(a.secret_key == b.secret_key) || a.timeout != b.timeout ||
           a.time_zone_offset != b.time_zone_offset;
}

}  // namespace

api_source::api_source(boost::asio::any_io_executor executor, const sesmon::clock& clock,
                       std::shared_ptr<spdlog::logger> logger, const api_config& api)
    : executor_(std::move(executor)), clock_(clock), logger_(std::move(logger)), api_(api) {
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
    }
}

boost::asio::awaitable<progress_result> api_source::fetch_progress(cluster_target target) {
    auto source = current_;  // keeps this client alive for this fetch even across a reload
    co_return co_await source->fetch_progress(std::move(target));
}

}  // namespace sesmon::daemon

namespace sesmon::daemon {

std::shared_ptr<progress_source> api_source::build(const api_config& api) const {
    return std::make_shared<client_bundle>(executor_, api);
}

}  // namespace sesmon::daemon
