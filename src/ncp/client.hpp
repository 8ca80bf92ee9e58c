#pragma once
// ncp::client: the NAVER Cloud API as a progress_source and a cluster_list_source. One
// fetch_progress = one signed POST getRollingUpgradeProgress; one fetch_cluster_page = one
// signed GET getClusterInfoList page (each with a fresh timestamp and signature),
// classified and parsed.
// Never throws for network, HTTP or parse failures: they come back as api_error
// (http_error → network, except an oversized body → invalid_response).
//
// Keys are sesmon::secret and appear in no message; HMAC is keyed once, at construction.
// Each region's URL is worked out once (first use). The response body is parsed once, for
// the error classifier and the progress parser both. The client holds a reference to the
// http_client, which must outlive it. Not thread-safe (one executor, like http_client).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>

#include "ncp/json_body.hpp"
#include "ncp/request.hpp"
#include "ncp/signer.hpp"
#include "sesmon/cluster_details.hpp"
#include "sesmon/cluster_list.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/progress_source.hpp"

namespace sesmon::ncp {

// Unix time in milliseconds, for x-ncp-apigw-timestamp. Injected so tests fix it.
using timestamp_source = std::function<std::int64_t()>;

// Milliseconds from std::chrono::system_clock.
std::int64_t system_timestamp_ms();

class client final : public progress_source,
                     public cluster_list_source,
                     public cluster_details_source {
  public:
    client(http_client& http, api_config config, timestamp_source now_ms = system_timestamp_ms);

    boost::asio::awaitable<progress_result> fetch_progress(cluster_target target) override;
    boost::asio::awaitable<cluster_list_result> fetch_cluster_page(std::string region, int page_no,
                                                                   int page_size) override;
    boost::asio::awaitable<cluster_details_result> fetch_cluster_info(
        cluster_target target) override;
    boost::asio::awaitable<node_addresses_result> fetch_node_addresses(
        cluster_target target) override;
    // GET {prefix}/cluster/getSearchEngineVersionList of `region` ("" = api.region).
    boost::asio::awaitable<version_list_result> fetch_version_list(std::string region);
    // POST {prefix}/cluster/rollingUpgradePreCheck: asks, never starts anything.
    boost::asio::awaitable<precheck_result> precheck(cluster_target target,
                                                     std::string target_version);

  private:
    using route_result = boost::system::result<progress_route, endpoint_error>;
    // The route of a region (target.region, "" = api.region), resolved on first use.
    const route_result& route_for(const std::string& region);
    // Classifies an answer (not a coroutine: no frame per poll): nullopt for a 2xx response
    // without an error envelope, its body then parsed into `body`; else the api_error.
    std::optional<api_error> take_answer(http_result& response, std::int64_t now_ms,
                                         std::optional<json_body>& body);
    // One signed GET of `operation` under the region's prefix, classified: nullopt and the
    // parsed `body`, or the api_error.
    boost::asio::awaitable<std::optional<api_error>> get(std::string region, std::string operation,
                                                         std::optional<json_body>& body);
    // get(), then `parse` of the body (defined and used in client.cpp only).
    template <class Parsed>
    boost::asio::awaitable<Parsed> get_parsed(std::string region, std::string operation,
                                              Parsed (*parse)(const json_body&));

    http_client& http_;
    api_config config_;
    timestamp_source now_ms_;
    signer signer_;
    std::map<std::string, route_result, std::less<>> routes_;
    // Memory for the response's JSON tree, reused by every fetch (each parses and drops
    // its tree without a co_await in between).
    json_scratch json_scratch_;
};

}  // namespace sesmon::ncp
