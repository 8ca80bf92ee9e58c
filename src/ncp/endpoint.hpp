#pragma once
// Where a cluster's API calls go: the site's host (or the configured override), the
// region's path prefix and regionNo (ncp-api.md "Endpoints"). Pure.
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/config.hpp"

namespace sesmon::ncp {

struct endpoint {
    std::string base_url;                  // "https://vpcsearchengine.apigw.ntruss.com", no slash
    std::string path_prefix;               // "/api/v2", "/api/sgn-v2", ...
    std::optional<std::string> region_no;  // "1", "7", "8"; nullopt where unknown (gov, fin)

    // base_url + path_prefix + operation, e.g. operation "/cluster/getRollingUpgradeProgress".
    std::string url(std::string_view operation) const;
};

// Why a site + region has no endpoint; one line naming the region and the site's regions.
struct endpoint_error {
    std::string message;
};

// Lets result<endpoint, endpoint_error>::value() throw (std::runtime_error with the message).
[[noreturn]] void throw_exception_from_error(const endpoint_error& e,
                                             const boost::source_location& loc);

// The regions a site serves, e.g. {"KR", "SGN", "JPN"} for public.
std::vector<std::string> known_regions(api_site site);

// "public", "gov", "fin".
std::string_view to_string(api_site site);

// Resolves site + region (case-insensitive) to an endpoint; `override_base_url` (the
// `api.endpoint` setting, "" = none) replaces the host, keeping the region's path prefix.
boost::system::result<endpoint, endpoint_error> resolve_endpoint(
    api_site site, std::string_view region, std::string_view override_base_url);

}  // namespace sesmon::ncp
