#pragma once
// ncp::client: the NAVER Cloud API as a progress_source and a cluster_list_source.
// One fetch_progress = one signed POST getRollingUpgradeProgress; one fetch_cluster_page =
// one signed GET getClusterInfoList page (each with a fresh timestamp and signature),
// classified and parsed. Never throws for network, HTTP or parse failures: they come back
// as api_error (http_error → network, except an oversized body → invalid_response).
//
// Keys are sesmon::secret and appear in no message. The client holds a reference to the
// http_client, which must outlive it. Not thread-safe (one executor, like http_client).
#include <cstdint>
#include <functional>

#include "sesmon/cluster_list.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/progress_source.hpp"

namespace sesmon::ncp {

// Unix time in milliseconds, for x-ncp-apigw-timestamp. Injected so tests fix it.
using timestamp_source = std::function<std::int64_t()>;

// Milliseconds from std::chrono::system_clock.
std::int64_t system_timestamp_ms();

class client final : public progress_source, public cluster_list_source {
  public:
    client(http_client& http, api_config config, timestamp_source now_ms = system_timestamp_ms);

    boost::asio::awaitable<progress_result> fetch_progress(cluster_target target) override;
    boost::asio::awaitable<cluster_list_result> fetch_cluster_page(std::string region, int page_no,
                                                                   int page_size) override;

  private:
    using answer = boost::system::result<http_response, api_error>;
    // Builds the request for `region` with a fresh timestamp, sends it and classifies the
    // answer: a 2xx response without an error envelope, else the api_error.
    template <class Build>
    boost::asio::awaitable<answer> exchange(const std::string& region, Build build);

    http_client& http_;
    api_config config_;
    timestamp_source now_ms_;
};

}  // namespace sesmon::ncp
