#include "common/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <arpa/inet.h>
#include <algorithm>
#include <cctype>

#include "common/text.hpp"

namespace sesmon::common {

std::string parsed_url::origin() const {
    const bool v6 = host.find(':') != std::string::npos;
    const std::string shown_host = v6 ? "[" + host + "]" : host;
    const bool default_port = (tls() && port == "443") || (!tls() && port == "80");
    return scheme + "://" + shown_host + (default_port ? "" : ":" + port);
}

std::optional<parsed_url> parse_url(std::string_view text) {
    const auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) {
        return std::nullopt;
    }
    const boost::urls::url_view& u = *parsed;
    parsed_url out;
    out.scheme = to_lower(u.scheme());
    if ((out.scheme != "http" && out.scheme != "https") || u.has_userinfo() || u.has_fragment()) {
        return std::nullopt;
    }
    switch (u.host_type()) {
        case boost::urls::host_type::ipv6:
            out.host = u.host_ipv6_address().to_string();
            break;
        case boost::urls::host_type::ipv4:
        case boost::urls::host_type::name:
            out.host = u.encoded_host();
            break;
        default:
            return std::nullopt;
    }
    if (out.host.empty()) {
        return std::nullopt;
    }
    out.port = u.has_port() ? std::string(u.port()) : (out.tls() ? "443" : "80");
    if (u.has_port() && u.port_number() == 0) {
        return std::nullopt;
    }
    out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
    if (u.has_query()) {
        out.target += "?" + std::string(u.encoded_query());
    }
    return out;
}

bool is_loopback_host(std::string_view host) {
    const std::string lowered = to_lower(host);
    if (lowered == "localhost" || lowered == "localhost.") {
        return true;
    }
    in_addr v4{};
    if (inet_pton(AF_INET, lowered.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, lowered.c_str(), &v6) == 1) {
        return IN6_IS_ADDR_LOOPBACK(&v6);
    }
    return false;
}

}  // namespace sesmon::common
