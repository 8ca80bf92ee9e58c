#pragma once
// Parses a getRollingUpgradeProgress response body into a snapshot. Pure, never throws,
// never crashes on hostile input (iterative parser, size and count caps).
//
// Tolerated variants (ncp-api.md "Responses"): hostname or hostName; nodeCount and version
// codes as number or string; null or missing versionVo; empty, null or missing
// nodeStatusVoList; any status word (kept verbatim); dates that do not parse (raw kept,
// parsed value nullopt). A missing nodeCount counts the listed nodes.
// Rejected (api_error_kind::invalid_response, message naming the field path, e.g.
// "result.nodeStatusVoList[2].status: expected string, got number"): malformed JSON (with
// the byte offset), wrong types, bodies over max_progress_body_bytes, more than
// max_progress_nodes nodes. A service envelope with code != 0 is api_error_kind::service.
#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <string_view>

#include "ncp/json_body.hpp"
#include "sesmon/api_error.hpp"
#include "sesmon/snapshot.hpp"

namespace sesmon::ncp {

inline constexpr int max_progress_nodes = 10000;

// On a body already parsed (shared with classify_response).
boost::system::result<snapshot, api_error> parse_progress(const json_body& body,
                                                          std::chrono::seconds zone_offset);
// Parses `body` first.
boost::system::result<snapshot, api_error> parse_progress(std::string_view body,
                                                          std::chrono::seconds zone_offset);

}  // namespace sesmon::ncp
