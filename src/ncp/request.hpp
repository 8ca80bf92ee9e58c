#pragma once
// Builds the signed HTTP requests of the operations the monitor uses. Pure: the timestamp
// is an argument, so every attempt (retries included) gets a fresh one from its caller.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ncp/endpoint.hpp"
#include "ncp/signer.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon::ncp {

struct credentials {
    std::string_view access_key;
    std::string_view secret_key;
};

// Where one region's getRollingUpgradeProgress requests go, worked out once (the client
// keeps one per region): the absolute URL and the request-target the signature covers.
struct progress_route {
    std::string url;                       // base + prefix + /cluster/getRollingUpgradeProgress
    std::string target;                    // the path on the wire, e.g. /api/v2/cluster/...
    std::optional<std::string> region_no;  // sent in the body where known
};

// Parses the endpoint's URL once to find the request-target. An unparsable base URL
// (config validation prevents it) gives target "/", as a request to it would fail anyway.
progress_route make_progress_route(const endpoint& where);

// POST {prefix}/cluster/getRollingUpgradeProgress with
// {"regionNo":"1","serviceGroupInstanceNo":"..."} (regionNo only where known), the three
// x-ncp headers (timestamp in ms, access key, signature v2 over the wire request-target)
// and Content-Type: application/json.
http_request build_progress_request(const progress_route& route, std::string_view instance_no,
                                    signer& keys, std::int64_t timestamp_ms, duration timeout);
// The same, keying HMAC for this one request (tests, tools).
http_request build_progress_request(const endpoint& where, std::string_view instance_no,
                                    const credentials& keys, std::int64_t timestamp_ms,
                                    duration timeout);

// GET {prefix}/cluster/getClusterInfoList?pageNo=P&pageSize=S, signed over the request-target
// with its query string, no body.
http_request build_cluster_list_request(const endpoint& where, int page_no, int page_size,
                                        signer& keys, std::int64_t timestamp_ms, duration timeout);
// The same, keying HMAC for this one request (tests, tools).
http_request build_cluster_list_request(const endpoint& where, int page_no, int page_size,
                                        const credentials& keys, std::int64_t timestamp_ms,
                                        duration timeout);

// GET {prefix}{operation} (the operation may carry a query or a path parameter, e.g.
// "/cluster/getClusterInfo/1037001"), signed over the request-target, no body.
http_request build_get_request(const endpoint& where, std::string_view operation, signer& keys,
                               std::int64_t timestamp_ms, duration timeout);

// POST {prefix}/cluster/rollingUpgradePreCheck with {"regionNo" (where known),
// "serviceGroupInstanceNo", "targetVersionCode"}.
http_request build_precheck_request(const endpoint& where, std::string_view instance_no,
                                    std::string_view target_version, signer& keys,
                                    std::int64_t timestamp_ms, duration timeout);

// Adds the three x-ncp headers for `method` and `request.url`'s request-target.
void sign_request(http_request& request, const credentials& keys, std::int64_t timestamp_ms);

}  // namespace sesmon::ncp
