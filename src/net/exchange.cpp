#include "net/exchange.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "common/url.hpp"
#include "sesmon/version.hpp"

namespace sesmon::net {

namespace http = boost::beast::http;

namespace {

bool has_header(const http_headers& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return common::iequals(h.first, name); });
}

const std::string& default_user_agent() {
    static const std::string agent = std::string("ses-upgrade-monitor/") + sesmon::version;
    return agent;
}

}  // namespace

std::string host_header_of(const common::parsed_url& url) {
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    const bool default_port = (url.tls() && url.port == "443") || (!url.tls() && url.port == "80");
    return default_port ? host : host + ":" + url.port;
}

http::request<http::string_body> to_beast(http_request& request, const common::parsed_url& url,
                                          const std::string& host) {
    http::request<http::string_body> req;
    const auto verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) {
        req.method_string(request.method);
    } else {
        req.method(verb);
    }
    req.target(url.target);
    req.version(11);
    for (const auto& [name, value] : request.headers)
        req.insert(name, value);
    if (!has_header(request.headers, "Host"))
        req.set(http::field::host, host);
    if (!has_header(request.headers, "User-Agent"))
        req.set(http::field::user_agent, default_user_agent());
    req.body() = std::move(request.body);
    if (!req.body().empty() || verb == http::verb::post || verb == http::verb::put ||
        verb == http::verb::patch) {
        req.prepare_payload();
    }
    return req;
}

http_response from_beast(http::response<http::string_body>&& res) {
    http_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res)
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.body = std::move(res.body());
    return out;
}

}  // namespace sesmon::net
