#include "ncp/client.hpp"

#include "ncp/cluster_list_parser.hpp"
#include "ncp/details_parser.hpp"
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
    : http_(http),
      config_(std::move(config)),
      now_ms_(std::move(now_ms)),
      signer_(config_.access_key.reveal(), config_.secret_key.reveal()) {}

const client::route_result& client::route_for(const std::string& region) {
    if (const auto it = routes_.find(region); it != routes_.end())
        return it->second;
    const auto where =
        resolve_endpoint(config_.site, region.empty() ? config_.region : region, config_.endpoint);
    route_result route = where ? route_result(make_progress_route(*where))
                               : route_result(boost::system::in_place_error, where.error());
    return routes_.emplace(region, std::move(route)).first->second;
}

std::optional<api_error> client::take_answer(http_result& response, std::int64_t now_ms,
                                             std::optional<json_body>& body) {
    if (!response) {
        api_error e;
        e.kind = response.error().kind == http_error_kind::body_too_large
                     ? api_error_kind::invalid_response
                     : api_error_kind::network;
        e.code = std::string(to_string(response.error().kind));
        e.message = "API unreachable: " + response.error().message;
        return e;
    }
    const wall_time our_now{std::chrono::seconds(now_ms / 1000)};
    body.emplace(std::move(response->body), &json_scratch_);
    return classify_response(response->status, response->headers, *body, our_now);
}

boost::asio::awaitable<progress_result> client::fetch_progress(cluster_target target) {
    const auto& route = route_for(target.region);
    if (!route) {
        api_error e;
        e.kind = api_error_kind::bad_request;
        e.message = route.error().message;
        co_return e;
    }
    const std::int64_t now_ms = now_ms_();
    duration timeout = config_.timeout;
    if (target.deadline != steady_time::max()) {
        const auto left = std::chrono::duration_cast<duration>(target.deadline -
                                                               std::chrono::steady_clock::now());
        if (left <= duration::zero()) {
            api_error e;
            e.kind = api_error_kind::network;
            e.message = "not polled: past the poll's deadline";
            co_return e;
        }
        timeout = std::min(timeout, left);
    }
    http_request request =
        build_progress_request(*route, target.instance_no, signer_, now_ms, timeout);
    // A named awaitable: GCC 12 mishandles temporaries inside co_await expressions.
    auto sending = http_.send(std::move(request));
    http_result response = co_await std::move(sending);
    std::optional<json_body> body;
    if (auto error = take_answer(response, now_ms, body))
        co_return std::move(*error);
    auto parsed = parse_progress(*body, config_.time_zone_offset);
    if (!parsed) {
        api_error e = parsed.error();
        e.http_status = response->status;
        co_return e;
    }
    co_return std::move(*parsed);
}

boost::asio::awaitable<cluster_list_result> client::fetch_cluster_page(std::string region,
                                                                       int page_no, int page_size) {
    const auto where =
        resolve_endpoint(config_.site, region.empty() ? config_.region : region, config_.endpoint);
    if (!where) {
        api_error e;
        e.kind = api_error_kind::bad_request;
        e.message = where.error().message;
        co_return e;
    }
    const std::int64_t now_ms = now_ms_();
    http_request request =
        build_cluster_list_request(*where, page_no, page_size, signer_, now_ms, config_.timeout);
    auto sending = http_.send(std::move(request));
    http_result response = co_await std::move(sending);
    std::optional<json_body> body;
    if (auto error = take_answer(response, now_ms, body))
        co_return std::move(*error);
    auto parsed = parse_cluster_list(*body);
    if (!parsed) {
        api_error e = parsed.error();
        e.http_status = response->status;
        co_return e;
    }
    co_return std::move(*parsed);
}

namespace {

api_error no_endpoint(const endpoint_error& e) {
    api_error out;
    out.kind = api_error_kind::bad_request;
    out.message = e.message;
    return out;
}

// A parser's error gains the HTTP status it came with.
template <class Result>
Result with_status(Result parsed, int status) {
    if (!parsed) {
        api_error e = parsed.error();
        e.http_status = status;
        return e;
    }
    return parsed;
}

}  // namespace

boost::asio::awaitable<std::optional<api_error>> client::get(std::string region,
                                                             std::string operation,
                                                             std::optional<json_body>& body) {
    const auto where =
        resolve_endpoint(config_.site, region.empty() ? config_.region : region, config_.endpoint);
    if (!where)
        co_return no_endpoint(where.error());
    const std::int64_t now_ms = now_ms_();
    http_request request = build_get_request(*where, operation, signer_, now_ms, config_.timeout);
    auto sending = http_.send(std::move(request));
    http_result response = co_await std::move(sending);
    co_return take_answer(response, now_ms, body);
}

template <class Parsed>
boost::asio::awaitable<Parsed> client::get_parsed(std::string region, std::string operation,
                                                  Parsed (*parse)(const json_body&)) {
    std::optional<json_body> body;
    auto fetching = get(std::move(region), std::move(operation), body);
    if (auto error = co_await std::move(fetching))
        co_return std::move(*error);
    co_return parse(*body);
}

boost::asio::awaitable<cluster_details_result> client::fetch_cluster_info(cluster_target target) {
    return get_parsed(target.region, "/cluster/getClusterInfo/" + target.instance_no,
                      &parse_cluster_info);
}

boost::asio::awaitable<node_addresses_result> client::fetch_node_addresses(cluster_target target) {
    return get_parsed(target.region, "/cluster/getClusterNodeList/" + target.instance_no,
                      &parse_node_addresses);
}

boost::asio::awaitable<version_list_result> client::fetch_version_list(std::string region) {
    return get_parsed(std::move(region), "/cluster/getSearchEngineVersionList",
                      &parse_version_list);
}

boost::asio::awaitable<precheck_result> client::precheck(cluster_target target,
                                                         std::string target_version) {
    const auto where = resolve_endpoint(
        config_.site, target.region.empty() ? config_.region : target.region, config_.endpoint);
    if (!where)
        co_return no_endpoint(where.error());
    const std::int64_t now_ms = now_ms_();
    http_request request = build_precheck_request(*where, target.instance_no, target_version,
                                                  signer_, now_ms, config_.timeout);
    auto sending = http_.send(std::move(request));
    http_result response = co_await std::move(sending);
    std::optional<json_body> body;
    auto error = take_answer(response, now_ms, body);
    // A service envelope refusing the upgrade is the answer asked for, not a failure.
    if (error && error->kind != api_error_kind::service)
        co_return std::move(*error);
    co_return with_status(parse_precheck(*body), response->status);
}

}  // namespace sesmon::ncp
