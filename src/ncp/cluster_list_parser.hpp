#pragma once
// Parses a getClusterInfoList response body into one cluster_list_page. Pure, never throws.
//
// Tolerated (ncp-api.md "Cluster list" calls every field optional): missing or null paging
// fields (nullopt), paging numbers as integers or decimal strings, isLast as a boolean or
// "true"/"false", missing or null allowedClusters / disallowedClusters (empty), any cluster
// field missing ("") and serviceGroupInstanceNo as a string or a number.
// Rejected (api_error_kind::invalid_response, message naming the field path): malformed
// JSON, wrong types, negative paging numbers, bodies over max_progress_body_bytes (the
// same 8 MiB cap as every answer), more than max_list_entries clusters on one page. A
// service envelope with code != 0 is api_error_kind::service.
#include <cstddef>
#include <string_view>

#include "ncp/json_body.hpp"
#include "sesmon/cluster_list.hpp"

namespace sesmon::ncp {

inline constexpr std::size_t max_list_entries = 10000;

// On a body already parsed (shared with classify_response).
cluster_list_result parse_cluster_list(const json_body& body);
// Parses `body` first.
cluster_list_result parse_cluster_list(std::string_view body);

}  // namespace sesmon::ncp
