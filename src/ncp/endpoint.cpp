#include "ncp/endpoint.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace sesmon::ncp {

namespace {

struct region_row {
    api_site site;
    std::string_view region;
    std::string_view prefix;
    std::string_view region_no;  // "" = unknown, omit
};

constexpr region_row region_table[] = {
    {api_site::public_site, "KR", "/api/v2", "1"},
    {api_site::public_site, "SGN", "/api/sgn-v2", "7"},
    {api_site::public_site, "JPN", "/api/jpn-v2", "8"},
    {api_site::gov, "KR", "/api/v2", ""},
    {api_site::gov, "KRS", "/api/krs-v2", ""},
    {api_site::fin, "KR", "/api/v2", ""},
};

std::string_view site_host(api_site site) {
    switch (site) {
        case api_site::public_site:
            return "https://vpcsearchengine.apigw.ntruss.com";
        case api_site::gov:
            return "https://vpcsearchengine.apigw.gov-ntruss.com";
        case api_site::fin:
            return "https://fin-vpcsearchengine.apigw.fin-ntruss.com";
    }
    return "";
}

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

}  // namespace

std::string endpoint::url(std::string_view operation) const {
    return base_url + path_prefix + std::string(operation);
}

void throw_exception_from_error(const endpoint_error& e, const boost::source_location&) {
    throw std::runtime_error(e.message);
}

std::string_view to_string(api_site site) {
    switch (site) {
        case api_site::public_site:
            return "public";
        case api_site::gov:
            return "gov";
        case api_site::fin:
            return "fin";
    }
    return "unknown";
}

std::vector<std::string> known_regions(api_site site) {
    std::vector<std::string> out;
    for (const auto& row : region_table) {
        if (row.site == site)
            out.emplace_back(row.region);
    }
    return out;
}

boost::system::result<endpoint, endpoint_error> resolve_endpoint(
    api_site site, std::string_view region, std::string_view override_base_url) {
    const std::string wanted = upper(region);
    for (const auto& row : region_table) {
        if (row.site != site || row.region != wanted)
            continue;
        endpoint out;
        out.base_url = override_base_url.empty() ? std::string(site_host(site))
                                                 : std::string(override_base_url);
        while (!out.base_url.empty() && out.base_url.back() == '/')
            out.base_url.pop_back();
        out.path_prefix = std::string(row.prefix);
        if (!row.region_no.empty())
            out.region_no = std::string(row.region_no);
        return out;
    }
    std::string known;
    for (const auto& name : known_regions(site)) {
        known += (known.empty() ? "" : ", ") + name;
    }
    return endpoint_error{"region \"" + std::string(region) + "\" is not served by the " +
                          std::string(to_string(site)) + " site (regions: " + known + ")"};
}

}  // namespace sesmon::ncp
