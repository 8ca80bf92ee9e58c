#pragma once
// Absolute http(s) URLs as the project uses them: API endpoints and webhook receivers.
#include <optional>
#include <string>
#include <string_view>

namespace sesmon::common {

struct parsed_url {
    std::string scheme;  // "http" or "https", lower case
    std::string host;    // without brackets for IPv6 literals
    std::string port;    // explicit, or the scheme's default ("80"/"443")
    std::string target;  // path + "?" + query, at least "/"

    bool tls() const { return scheme == "https"; }
    // "https://host:port" — safe to log (no path: webhook paths often carry tokens).
    std::string origin() const;
};

// Parses an absolute http:// or https:// URL; nullopt for anything else (other schemes,
// userinfo, fragments, missing host).
std::optional<parsed_url> parse_url(std::string_view text);

// True for 127.0.0.0/8, ::1 and "localhost": hosts where plain http:// is allowed.
bool is_loopback_host(std::string_view host);

}  // namespace sesmon::common
