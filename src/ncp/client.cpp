#include "ncp/client.hpp"

#include "ncp/cluster_list_parser.hpp"
#include "ncp/endpoint.hpp"
#include "ncp/error_classifier.hpp"
#include "ncp/progress_parser.hpp"
#include "ncp/request.hpp"

namespace sesmon::ncp {

std::int64_t system_timestamp_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

client::client(http_client& http, api_config config, timestamp_source now_ms)
    : http_(http), config_(std::move(config)), now_ms_(std::move(now_ms)) {}

template <class Build>
boost::asio::awaitable<client::answer> client::exchange(const std::string& region, Build build) {
    const auto where =
        resolve_endpoint(config_.site, region.empty() ? config_.region : region, config_.endpoint);
    if (!where) {
        api_error e;
        e.kind = api_error_kind::bad_request;
        e.message = where.error().message;
        co_return e;
    }
    const std::int64_t now_ms = now_ms_();
    const credentials keys{config_.access_key.reveal(), config_.secret_key.reveal()};
    http_request request = build(*where, keys, now_ms);
    // A named awaitable: GCC 12 mishandles temporaries inside co_await expressions.
    auto sending = http_.send(std::move(request));
    http_result response = co_await std::move(sending);
    if (!response) {
        api_error e;
        e.kind = response.error().kind == http_error_kind::body_too_large
                     ? api_error_kind::invalid_response
                     : api_error_kind::network;
        e.code = std::string(to_string(response.error().kind));
        e.message = "API unreachable: " + response.error().message;
        co_return e;
    }
    const wall_time our_now{std::chrono::seconds(now_ms / 1000)};
    if (auto error =
            classify_response(response->status, response->headers, response->body, our_now)) {
        co_return std::move(*error);
    }
    co_return std::move(*response);
}

boost::asio::awaitable<progress_result> client::fetch_progress(cluster_target target) {
    auto exchanging = exchange(
        target.region, [&](const endpoint& where, const credentials& keys, std::int64_t now_ms) {
            return build_progress_request(where, target.instance_no, keys, now_ms, config_.timeout);
        });
    auto response = co_await std::move(exchanging);
    if (!response)
        co_return response.error();
    auto parsed = parse_progress(response->body, config_.time_zone_offset);
    if (!parsed) {
        api_error e = parsed.error();
        e.http_status = response->status;
        co_return e;
    }
    co_return std::move(*parsed);
}

boost::asio::awaitable<cluster_list_result> client::fetch_cluster_page(std::string region,
                                                                       int page_no, int page_size) {
    auto exchanging = exchange(region, [&](const endpoint& where, const credentials& keys,
                                           std::int64_t now_ms) {
        return build_cluster_list_request(where, page_no, page_size, keys, now_ms, config_.timeout);
    });
    auto response = co_await std::move(exchanging);
    if (!response)
        co_return response.error();
    auto parsed = parse_cluster_list(response->body);
    if (!parsed) {
        api_error e = parsed.error();
        e.http_status = response->status;
        co_return e;
    }
    co_return std::move(*parsed);
}

}  // namespace sesmon::ncp
