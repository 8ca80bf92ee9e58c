#pragma once
// Parsers of getClusterInfo, getClusterNodeList, getSearchEngineVersionList and
// rollingUpgradePreCheck answers (ncp-api.md "More SES routes"; what is assumed where the
// documentation is silent is in docs/ncp-client.md). Pure, never throw.
//
// Tolerated: every field missing (""), numbers where text is documented and the reverse,
// the node list under any array member of `result` (or `result` itself a list), the version
// list as `result.searchEngineVersionList` or a bare list. Rejected
// (api_error_kind::invalid_response naming the path): malformed JSON, a `result` of the
// wrong kind, more than max_list_entries entries. A service envelope with code != 0 is
// api_error_kind::service — except for the pre-check, where it is the verdict.
#include "ncp/json_body.hpp"
#include "sesmon/cluster_details.hpp"

namespace sesmon::ncp {

cluster_details_result parse_cluster_info(const json_body& body);
node_addresses_result parse_node_addresses(const json_body& body);
version_list_result parse_version_list(const json_body& body);

// The pre-check's verdict from a service envelope: passed when code is 0 and `result` is
// true (or "true"); otherwise not passed, with the envelope's message (a code != 0 is a
// refusal too: the service looked at the request and said no). invalid_response when the
// body is not an envelope at all.
precheck_result parse_precheck(const json_body& body);

}  // namespace sesmon::ncp
