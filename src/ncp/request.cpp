#include "ncp/request.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "common/url.hpp"

namespace sesmon::ncp {

namespace {

// {"regionNo" (when known), "serviceGroupInstanceNo", "targetVersionCode" (when given)}.
std::string cluster_body(const std::optional<std::string>& region_no, std::string_view instance_no,
                         std::string_view target_version = {}) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    if (region_no) {
        writer.Key("regionNo");
        writer.String(region_no->data(), static_cast<rapidjson::SizeType>(region_no->size()));
    }
    writer.Key("serviceGroupInstanceNo");
    writer.String(instance_no.data(), static_cast<rapidjson::SizeType>(instance_no.size()));
    if (!target_version.empty()) {
        writer.Key("targetVersionCode");
        writer.String(target_version.data(),
                      static_cast<rapidjson::SizeType>(target_version.size()));
    }
    writer.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

std::string decimal(std::int64_t n) {
    char digits[24];
    return {digits, std::to_chars(digits, digits + sizeof digits, n).ptr};
}

void add_signature_headers(http_request& request, std::string_view access_key,
                           std::int64_t timestamp_ms, std::string signature) {
    request.headers.emplace_back("x-ncp-apigw-timestamp", decimal(timestamp_ms));
    request.headers.emplace_back("x-ncp-iam-access-key", std::string(access_key));
    request.headers.emplace_back("x-ncp-apigw-signature-v2", std::move(signature));
}

// Signs `request` over its URL's request-target (parsed here: the routes using this are rare).
void sign_with(http_request& request, signer& keys, std::int64_t timestamp_ms) {
    const auto url = common::parse_url(request.url);
    add_signature_headers(request, keys.access_key(), timestamp_ms,
                          keys.sign(request.method, url ? url->target : "/", timestamp_ms));
}

}  // namespace

progress_route make_progress_route(const endpoint& where) {
    progress_route route;
    route.url = where.url("/cluster/getRollingUpgradeProgress");
    const auto parsed = common::parse_url(route.url);
    route.target = parsed ? parsed->target : "/";
    route.region_no = where.region_no;
    return route;
}

void sign_request(http_request& request, const credentials& keys, std::int64_t timestamp_ms) {
    const auto url = common::parse_url(request.url);
    const std::string target = url ? url->target : "/";
    add_signature_headers(
        request, keys.access_key, timestamp_ms,
        sign_v2(request.method, target, timestamp_ms, keys.access_key, keys.secret_key));
}

http_request build_progress_request(const progress_route& route, std::string_view instance_no,
                                    signer& keys, std::int64_t timestamp_ms, duration timeout) {
    http_request request;
    request.method = "POST";
    request.url = route.url;
    request.headers.reserve(5);
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Accept", "application/json");
    request.body = cluster_body(route.region_no, instance_no);
    request.timeout = timeout;
    add_signature_headers(request, keys.access_key(), timestamp_ms,
                          keys.sign(request.method, route.target, timestamp_ms));
    return request;
}

http_request build_progress_request(const endpoint& where, std::string_view instance_no,
                                    const credentials& keys, std::int64_t timestamp_ms,
                                    duration timeout) {
    signer one_off(keys.access_key, keys.secret_key);
    return build_progress_request(make_progress_route(where), instance_no, one_off, timestamp_ms,
                                  timeout);
}

http_request build_cluster_list_request(const endpoint& where, int page_no, int page_size,
                                        signer& keys, std::int64_t timestamp_ms, duration timeout) {
    // Listing is rare (a few pages per discovery interval): the URL is parsed per request.
    return build_get_request(where,
                             "/cluster/getClusterInfoList?pageNo=" + decimal(page_no) +
                                 "&pageSize=" + decimal(page_size),
                             keys, timestamp_ms, timeout);
}

http_request build_cluster_list_request(const endpoint& where, int page_no, int page_size,
                                        const credentials& keys, std::int64_t timestamp_ms,
                                        duration timeout) {
    signer one_off(keys.access_key, keys.secret_key);
    return build_cluster_list_request(where, page_no, page_size, one_off, timestamp_ms, timeout);
}

http_request build_get_request(const endpoint& where, std::string_view operation, signer& keys,
                               std::int64_t timestamp_ms, duration timeout) {
    http_request request;
    request.method = "GET";
    request.url = where.url(operation);
    request.headers.emplace_back("Accept", "application/json");
    request.timeout = timeout;
    sign_with(request, keys, timestamp_ms);
    return request;
}

http_request build_precheck_request(const endpoint& where, std::string_view instance_no,
                                    std::string_view target_version, signer& keys,
                                    std::int64_t timestamp_ms, duration timeout) {
    http_request request;
    request.method = "POST";
    request.url = where.url("/cluster/rollingUpgradePreCheck");
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Accept", "application/json");
    request.body = cluster_body(where.region_no, instance_no, target_version);
    request.timeout = timeout;
    sign_with(request, keys, timestamp_ms);
    return request;
}

}  // namespace sesmon::ncp
