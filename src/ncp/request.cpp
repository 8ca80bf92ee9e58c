#include "ncp/request.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/url.hpp"
#include "ncp/signer.hpp"

namespace sesmon::ncp {

namespace {

std::string progress_body(const endpoint& where, std::string_view instance_no) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    if (where.region_no) {
        writer.Key("regionNo");
        writer.String(where.region_no->data(),
                      static_cast<rapidjson::SizeType>(where.region_no->size()));
    }
    writer.Key("serviceGroupInstanceNo");
    writer.String(instance_no.data(), static_cast<rapidjson::SizeType>(instance_no.size()));
    writer.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

void sign_request(http_request& request, const credentials& keys, std::int64_t timestamp_ms) {
    const auto url = common::parse_url(request.url);
    const std::string target = url ? url->target : "/";
    request.headers.emplace_back("x-ncp-apigw-timestamp", std::to_string(timestamp_ms));
    request.headers.emplace_back("x-ncp-iam-access-key", std::string(keys.access_key));
    request.headers.emplace_back(
        "x-ncp-apigw-signature-v2",
        sign_v2(request.method, target, timestamp_ms, keys.access_key, keys.secret_key));
}

http_request build_progress_request(const endpoint& where, std::string_view instance_no,
                                    const credentials& keys, std::int64_t timestamp_ms,
                                    duration timeout) {
    http_request request;
    request.method = "POST";
    request.url = where.url("/cluster/getRollingUpgradeProgress");
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Accept", "application/json");
    request.body = progress_body(where, instance_no);
    request.timeout = timeout;
    sign_request(request, keys, timestamp_ms);
    return request;
}

http_request build_cluster_list_request(const endpoint& where, int page_no, int page_size,
                                        const credentials& keys, std::int64_t timestamp_ms,
                                        duration timeout) {
    http_request request;
    request.method = "GET";
    request.url = where.url("/cluster/getClusterInfoList") + "?pageNo=" + std::to_string(page_no) +
                  "&pageSize=" + std::to_string(page_size);
    request.headers.emplace_back("Accept", "application/json");
    request.timeout = timeout;
    sign_request(request, keys, timestamp_ms);
    return request;
}

}  // namespace sesmon::ncp
