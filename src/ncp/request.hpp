#pragma once
// Builds the signed HTTP requests of the operations the monitor uses. Pure: the timestamp
// is an argument, so every attempt (retries included) gets a fresh one from its caller.
#include <cstdint>
#include <string>
#include <string_view>

#include "ncp/endpoint.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon::ncp {

struct credentials {
    std::string_view access_key;
    std::string_view secret_key;
};

// POST {prefix}/cluster/getRollingUpgradeProgress with
// {"regionNo":"1","serviceGroupInstanceNo":"..."} (regionNo only where known), the three
// x-ncp headers (timestamp in ms, access key, signature v2 over the wire request-target)
// and Content-Type: application/json.
http_request build_progress_request(const endpoint& where, std::string_view instance_no,
                                    const credentials& keys, std::int64_t timestamp_ms,
                                    duration timeout);

// GET {prefix}/cluster/getClusterInfoList?pageNo=P&pageSize=S, signed over the request-target
// with its query string, no body.
http_request build_cluster_list_request(const endpoint& where, int page_no, int page_size,
                                        const credentials& keys, std::int64_t timestamp_ms,
                                        duration timeout);

// Adds the three x-ncp headers for `method` and `request.url`'s request-target.
void sign_request(http_request& request, const credentials& keys, std::int64_t timestamp_ms);

}  // namespace sesmon::ncp
