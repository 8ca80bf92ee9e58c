// The api section: site, region, endpoint, limits and the API keys.
#include <algorithm>

#include "common/time_format.hpp"
#include "common/url.hpp"
#include "config/context.hpp"
#include "config/secret_file.hpp"
#include "ncp/endpoint.hpp"

namespace sesmon::config_file {
namespace {

// One API key: the file, else the environment, else the systemd credential.
struct key_source {
    std::string_view file_key;    // "access_key_file"
    std::string_view env_name;    // "NCLOUD_ACCESS_KEY"
    std::string_view credential;  // "ncloud-access-key"
    std::string_view what;        // "access key"
};

std::optional<secret> resolve_key(const load_context& ctx, const map_reader& api,
                                  const key_source& source) {
    if (std::string file; api.read(source.file_key, file) && !file.empty()) {
        return ctx.secret_file(api, source.file_key);  // problems already reported
    }
    if (auto value = ctx.getenv(std::string(source.env_name)); value && !value->empty()) {
        return secret(std::move(*value), "env " + std::string(source.env_name));
    }
    if (auto dir = ctx.getenv("CREDENTIALS_DIRECTORY"); dir && !dir->empty()) {
        const std::string path = (std::filesystem::path(*dir) / source.credential).string();
        auto read = read_secret_file(path, secret_file_rule::systemd_credential);
        if (read.ok()) {
            return secret(std::move(read.value), "credential " + std::string(source.credential));
        }
        if (!read.not_found) {
            ctx.diag.add(api.mark(), "api",
                         "credential " + std::string(source.credential) + ": " + read.problem);
            return std::nullopt;
        }
    }
    ctx.diag.add(api.mark(), "api",
                 "no " + std::string(source.what) + ": set " + std::string(source.file_key) + ", " +
                     std::string(source.env_name) + " or the systemd credential " +
                     std::string(source.credential));
    return std::nullopt;
}

}  // namespace

// The region table is ncp::endpoint's: what the client can resolve is what is valid here.
bool valid_region(api_site site, std::string_view region) {
    const auto known = ncp::known_regions(site);
    return std::find(known.begin(), known.end(), region) != known.end();
}

std::string regions_of(api_site site) {
    const auto known = ncp::known_regions(site);
    return list_names(std::vector<std::string_view>(known.begin(), known.end()));
}

std::string unknown_region(api_site site, std::string_view region) {
    return "unknown region \"" + std::string(region) + "\" for site " +
           std::string(to_string(site)) + " (expected " + regions_of(site) + ")";
}

std::string_view to_string(api_site site) {
    return ncp::to_string(site);
}

std::string check_url(std::string_view url) {
    const auto parsed = common::parse_url(url);
    if (!parsed) {
        return "not an absolute http:// or https:// URL (without user info or fragment)";
    }
    if (!parsed->tls() && !common::is_loopback_host(parsed->host)) {
        return "must be https:// (plain http:// is allowed only to loopback hosts), got " +
               parsed->origin();
    }
    return "";
}

void read_api(const load_context& ctx, const map_reader& root, api_config& out) {
    const map_reader api = root.child(
        "api", {"site", "region", "endpoint", "ca_file", "access_key_file", "secret_key_file",
                "timeout", "max_in_flight", "max_requests_per_second", "time_zone_offset"});
    api.read_enum<api_site>(
        "site", "site",
        {{"public", api_site::public_site}, {"gov", api_site::gov}, {"fin", api_site::fin}},
        out.site);
    if (api.read("region", out.region) && !valid_region(out.site, out.region)) {
        api.fail("region", unknown_region(out.site, out.region));
    }
    if (api.read("endpoint", out.endpoint) && !out.endpoint.empty()) {
        if (auto problem = check_url(out.endpoint); !problem.empty()) {
            api.fail("endpoint", problem);
        }
    }
    out.ca_file = ctx.ca_file(api, "ca_file");
    api.read("timeout", out.timeout);
    if (api.read("max_in_flight", out.max_in_flight) && out.max_in_flight < 1) {
        api.fail("max_in_flight", "must be at least 1");
    }
    if (api.read("max_requests_per_second", out.max_requests_per_second) &&
        out.max_requests_per_second <= 0) {
        api.fail("max_requests_per_second", "must be greater than 0");
    }
    std::string zone;
    if (api.read("time_zone_offset", zone)) {
        if (const auto offset = common::parse_zone_offset(zone)) {
            out.time_zone_offset = *offset;
        } else {
            api.fail("time_zone_offset",
                     "invalid zone offset \"" + zone + "\": use +09:00, -05:30 or Z");
        }
    }
    if (auto key = resolve_key(
            ctx, api,
            {"access_key_file", "NCLOUD_ACCESS_KEY", "ncloud-access-key", "access key"})) {
        out.access_key = std::move(*key);
    }
    if (auto key = resolve_key(
            ctx, api,
            {"secret_key_file", "NCLOUD_SECRET_KEY", "ncloud-secret-key", "secret key"})) {
        out.secret_key = std::move(*key);
    }
}

}  // namespace sesmon::config_file
