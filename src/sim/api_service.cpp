#include "sim/api_service.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/url/pct_string_view.hpp>
#include <cctype>
#include <charconv>

#include "common/engine_version.hpp"
#include "sim/opensearch_service.hpp"
#include "sim/player.hpp"
#include "sim/render.hpp"

namespace sesmon::sim {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> prefixes{
    {{"/api/v2", "KR"}, {"/api/sgn-v2", "SGN"}, {"/api/jpn-v2", "JPN"}, {"/api/krs-v2", "KRS"}}};

constexpr std::string_view progress_route = "/cluster/getRollingUpgradeProgress";
constexpr std::string_view list_route = "/cluster/getClusterInfoList";
constexpr std::string_view info_route = "/cluster/getClusterInfo/";
constexpr std::string_view nodes_route = "/cluster/getClusterNodeList/";
constexpr std::string_view versions_route = "/cluster/getSearchEngineVersionList";
constexpr std::string_view precheck_route = "/cluster/rollingUpgradePreCheck";

// The instance_no of "{route}{instance_no}" (no further '/'), or nullopt.
std::optional<std::string> path_parameter(std::string_view rest, std::string_view route) {
    if (rest.substr(0, route.size()) != route || rest.size() == route.size() ||
        rest.find('/', route.size()) != std::string_view::npos)
        return std::nullopt;
    return std::string(rest.substr(route.size()));
}

// The newest successful snapshot must be this recent for the service to allow an upgrade.
constexpr auto snapshot_max_age = std::chrono::hours(6);

// The region whose prefix `path` starts with, and the rest of the path.
std::optional<std::pair<std::string, std::string_view>> split_prefix(std::string_view path) {
    for (const auto& [prefix, region] : prefixes) {
        if (path.substr(0, prefix.size()) == prefix && path.size() > prefix.size() &&
            path[prefix.size()] == '/') {
            return std::make_pair(std::string(region), path.substr(prefix.size()));
        }
    }
    return std::nullopt;
}

// A JSON member that may be a string or a number, as text.
std::optional<std::string> text_member(const rapidjson::Value& obj, const char* name) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd())
        return std::nullopt;
    if (it->value.IsString())
        return std::string(it->value.GetString());
    if (it->value.IsInt64())
        return std::to_string(it->value.GetInt64());
    return std::nullopt;
}

std::optional<std::size_t> positive(const std::optional<std::string>& text, std::size_t dflt) {
    if (!text)
        return dflt;
    std::size_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || end != text->data() + text->size() || v == 0)
        return std::nullopt;
    return v;
}

// A query parameter, percent-decoded ('+' is a space); malformed escapes stay verbatim.
std::optional<std::string> decoded_param(const net::server_request& req, std::string_view name) {
    auto raw = req.query_param(name);
    if (!raw)
        return raw;
    auto pct = boost::urls::make_pct_string_view(*raw);
    if (!pct)
        return raw;
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    return pct->decode(opts);
}

// inputText: the cluster name contains `text`, ignoring ASCII case.
bool name_matches(const std::string& name, const std::string& text) {
    const auto lower = [](unsigned char ch) { return std::tolower(ch); };
    return std::search(name.begin(), name.end(), text.begin(), text.end(),
                       [&](char a, char b) { return lower(a) == lower(b); }) != name.end();
}

}  // namespace

api_service::api_service(const scenario& s, virtual_clock& vclock, const sesmon::clock& real,
                         fault_engine& faults, std::optional<gateway_credentials> credentials,
                         std::shared_ptr<spdlog::logger> logger,
                         const opensearch_service* opensearch)
    : scenario_(s),
      vclock_(vclock),
      real_(real),
      faults_(faults),
      credentials_(std::move(credentials)),
      logger_(std::move(logger)),
      opensearch_(opensearch),
      ids_(std::random_device{}()) {
    for (std::size_t i = 0; i < s.clusters.size(); ++i) {
        by_instance_.emplace(s.clusters[i].instance_no, i);
        by_region_[s.clusters[i].region].push_back(i);
    }
}

bool api_service::is_api_path(std::string_view path) {
    return split_prefix(path).has_value();
}

const cluster_spec* api_service::find(const std::string& instance_no) const {
    auto it = by_instance_.find(instance_no);
    return it == by_instance_.end() ? nullptr : &scenario_.clusters[it->second];
}

net::server_response api_service::handle(const net::server_request& req) {
    auto request_id = make_request_id(ids_);
    auto split = split_prefix(req.path());
    route_kind route = route_kind::any;
    std::string instance_no;
    if (split) {
        auto rest = split->second;
        if (rest == progress_route && req.method == "POST") {
            route = route_kind::progress;
        } else if (rest == list_route && req.method == "GET") {
            route = route_kind::cluster_list;
        } else if (auto no = path_parameter(rest, info_route); no && req.method == "GET") {
            route = route_kind::cluster_info;
            instance_no = std::move(*no);
        } else if (auto nodes = path_parameter(rest, nodes_route); nodes && req.method == "GET") {
            route = route_kind::node_list;
            instance_no = std::move(*nodes);
        } else if (rest == versions_route && req.method == "GET") {
            route = route_kind::version_list;
        } else if (rest == precheck_route && req.method == "POST") {
            route = route_kind::precheck;
        }
    }
    if (route == route_kind::any) {
        return gateway_error(404, "300", "Not Found Exception",
                             "no route for " + req.method + " " + std::string(req.path()),
                             request_id);
    }
    if (credentials_) {
        auto now = std::chrono::system_clock::time_point(real_.wall_now().time_since_epoch());
        if (auto why = check_signature(req, *credentials_, now); !why.empty()) {
            logger_->info("gateway: 401 for {} {} from {}: {}", req.method, req.target, req.remote,
                          why);
            return gateway_error(401, "200", "Authentication Failed", why, request_id);
        }
    }
    rapidjson::Document body;
    if (route == route_kind::progress || route == route_kind::precheck) {
        if (body.Parse(req.body.c_str()).HasParseError() || !body.IsObject()) {
            return gateway_error(400, "100", "Bad Request Exception", "body is not a JSON object",
                                 request_id);
        }
        instance_no = text_member(body, "serviceGroupInstanceNo").value_or("");
        if (!instance_no.empty())
            polls_.record(instance_no, std::chrono::system_clock::now());
    }
    const cluster_spec* cluster = find(instance_no);
    const auto page = route == route_kind::cluster_list ? positive(req.query_param("pageNo"), 1)
                                                        : std::optional<std::size_t>{};
    auto fault =
        faults_.pick(route, instance_no, vclock_.now(), cluster ? &cluster->faults : nullptr, page);

    net::server_response res;
    switch (route) {
        case route_kind::progress:
            res = progress(req, split->first, request_id);
            break;
        case route_kind::cluster_info:
            res = info(instance_no, split->first, request_id);
            break;
        case route_kind::node_list:
            res = node_list(instance_no, split->first, request_id);
            break;
        case route_kind::version_list:
            res = service_envelope(200, 0, "SUCCESS", render_version_list(scenario_.versions),
                                   request_id);
            break;
        case route_kind::precheck:
            res = precheck(body, split->first, request_id);
            break;
        default:
            res = list(req, split->first, request_id);
            break;
    }
    if (fault) {
        logger_->debug("fault {} on {} {}", to_string(fault->type), req.method, req.target);
        res = apply_fault(*fault, std::move(res), request_id);
    }
    return res;
}

net::server_response api_service::progress(const net::server_request& req,
                                           const std::string& region,
                                           const std::string& request_id) {
    rapidjson::Document body;
    body.Parse(req.body.c_str());
    auto instance_no = text_member(body, "serviceGroupInstanceNo");
    if (!instance_no || instance_no->empty()) {
        return service_envelope(400, code_instance_required, "serviceGroupInstanceNo is required",
                                {}, request_id);
    }
    auto region_no = text_member(body, "regionNo");
    if (!region_no && scenario_.region_no_required) {
        return service_envelope(400, code_region_required, "regionNo is required", {}, request_id);
    }
    if (region_no && !region_number(region).empty() && *region_no != region_number(region)) {
        return service_envelope(400, code_region_mismatch,
                                "regionNo " + *region_no + " does not match this endpoint", {},
                                request_id);
    }
    net::server_response refusal;
    const cluster_spec* c = lookup(*instance_no, region, request_id, refusal);
    if (!c)
        return refusal;
    auto view = play(*c, vclock_.now());
    if (!view.shows_upgrade &&
        (c->idle == idle_variant::service_error || c->idle == idle_variant::service_error_200)) {
        int status = c->idle == idle_variant::service_error ? 400 : 200;
        return service_envelope(status, code_no_upgrade, "No rolling upgrade in progress", {},
                                request_id);
    }
    return service_envelope(200, 0, "SUCCESS", render_progress_result(*c, view), request_id);
}

const cluster_spec* api_service::lookup(const std::string& instance_no, const std::string& region,
                                        const std::string& request_id,
                                        net::server_response& refusal) {
    const cluster_spec* c = find(instance_no);
    if (!c || c->region != region || !exists_at(*c, vclock_.now())) {
        refusal = service_envelope(400, code_cluster_not_found, "Cluster not found: " + instance_no,
                                   {}, request_id);
        return nullptr;
    }
    if (c->disallowed) {
        refusal = service_envelope(400, code_cluster_not_allowed,
                                   "Not allowed to access cluster " + instance_no, {}, request_id);
        return nullptr;
    }
    return c;
}

net::server_response api_service::info(const std::string& instance_no, const std::string& region,
                                       const std::string& request_id) {
    net::server_response refusal;
    const cluster_spec* c = lookup(instance_no, region, request_id, refusal);
    if (!c)
        return refusal;
    return service_envelope(200, 0, "SUCCESS",
                            render_cluster_info(*c, play(*c, vclock_.now()), opensearch_),
                            request_id);
}

net::server_response api_service::node_list(const std::string& instance_no,
                                            const std::string& region,
                                            const std::string& request_id) {
    net::server_response refusal;
    const cluster_spec* c = lookup(instance_no, region, request_id, refusal);
    if (!c)
        return refusal;
    return service_envelope(200, 0, "SUCCESS", render_node_list(*c, opensearch_), request_id);
}

std::string api_service::precheck_refusal(const cluster_spec& c, const std::string& target) const {
    if (std::find(scenario_.versions.begin(), scenario_.versions.end(), target) ==
        scenario_.versions.end())
        return "Version " + target + " is not offered (getSearchEngineVersionList)";
    const auto now = vclock_.now();
    const cluster_view v = play(c, now);
    if (v.cluster_status != "running")
        return "The cluster is " + v.cluster_status +
               ": an upgrade is possible on a running cluster";
    const auto from = common::parse_engine_version(v.version_code);
    const auto to = common::parse_engine_version(target);
    if (!from || !to)
        return "Version " + target + " cannot be compared with " + v.version_code;
    if (auto why = common::rolling_upgrade_refusal(*from, *to); !why.empty())
        return "Rolling upgrade not possible: " + why;
    const auto os = opensearch_ ? opensearch_->state_of(c) : std::nullopt;
    if (os && (!os->snapshot_end || now - *os->snapshot_end > snapshot_max_age))
        return "No snapshot was taken within the last 6 hours: take a snapshot first";
    return "";
}

net::server_response api_service::precheck(const rapidjson::Document& body,
                                           const std::string& region,
                                           const std::string& request_id) {
    auto instance_no = text_member(body, "serviceGroupInstanceNo");
    if (!instance_no || instance_no->empty()) {
        return service_envelope(400, code_instance_required, "serviceGroupInstanceNo is required",
                                {}, request_id);
    }
    auto target = text_member(body, "targetVersionCode");
    if (!target || target->empty()) {
        return service_envelope(400, code_target_version_required, "targetVersionCode is required",
                                {}, request_id);
    }
    net::server_response refusal;
    const cluster_spec* c = lookup(*instance_no, region, request_id, refusal);
    if (!c)
        return refusal;
    if (auto why = precheck_refusal(*c, *target); !why.empty()) {
        // As documented: result null and the reason in message.
        return service_envelope(200, 0, why, "null", request_id);
    }
    return service_envelope(200, 0, "SUCCESS", "true", request_id);
}

net::server_response api_service::list(const net::server_request& req, const std::string& region,
                                       const std::string& request_id) {
    auto page_no = positive(req.query_param("pageNo"), 1);
    auto page_size = positive(req.query_param("pageSize"), default_list_page_size);
    if (!page_no || !page_size || *page_size > max_list_page_size) {
        return gateway_error(400, "100", "Bad Request Exception",
                             "pageNo and pageSize must be positive integers (pageSize <= " +
                                 std::to_string(max_list_page_size) + ")",
                             request_id);
    }
    const auto input_text = decoded_param(req, "inputText").value_or("");
    const auto vpc_name = decoded_param(req, "vpcName");
    const auto now = vclock_.now();
    std::vector<const cluster_spec*> matching;
    if (auto it = by_region_.find(region); it != by_region_.end()) {
        for (std::size_t i : it->second) {
            const cluster_spec& c = scenario_.clusters[i];
            if (exists_at(c, now) && name_matches(c.name, input_text) &&
                (!vpc_name || c.vpc_name == *vpc_name)) {
                matching.push_back(&c);
            }
        }
    }
    // Pages cut the clusters in scenario order; each page splits its share into allowed and
    // disallowed, and totalCount counts both.
    std::vector<list_entry> page;
    const std::size_t pages = (matching.size() + *page_size - 1) / *page_size;
    if (*page_no <= pages) {
        const std::size_t first = (*page_no - 1) * *page_size;
        for (std::size_t i = first; i < matching.size() && i < first + *page_size; ++i)
            page.push_back({matching[i], play(*matching[i], now)});
    }
    return service_envelope(200, 0, "SUCCESS",
                            render_cluster_list(page, matching.size(), *page_no, *page_size),
                            request_id);
}

net::server_response api_service::apply_fault(const fault_spec& f, net::server_response normal,
                                              const std::string& request_id) {
    using kind = net::server_response::fault_kind;
    auto with_retry_after = [&](net::server_response res) {
        if (f.retry_after)
            res.headers.emplace_back("Retry-After", std::to_string(*f.retry_after));
        return res;
    };
    switch (f.type) {
        case fault_type::rate_limit: {
            auto code = f.error_code.empty() ? std::string("420") : f.error_code;
            auto message = code == "400"   ? "Quota Exceeded"
                           : code == "410" ? "Throttle Limited"
                                           : "Rate Limited";
            return with_retry_after(
                gateway_error(429, code, f.message.empty() ? message : f.message, {}, request_id));
        }
        case fault_type::gateway_error: {
            int status = f.http_status ? f.http_status : 500;
            std::string code = status == 503 ? "500" : status == 504 ? "510" : "900";
            std::string message = status == 503   ? "Endpoint Error"
                                  : status == 504 ? "Endpoint Timeout"
                                                  : "Unexpected Error";
            if (!f.error_code.empty())
                code = f.error_code;
            if (!f.message.empty())
                message = f.message;
            return with_retry_after(gateway_error(status, code, message, {}, request_id));
        }
        case fault_type::service_error:
            return service_envelope(f.http_status ? f.http_status : 200, f.service_code,
                                    f.message.empty() ? "Injected service error" : f.message, {},
                                    request_id);
        case fault_type::timeout:
            normal.fault = kind::hang;
            return normal;
        case fault_type::reset:
            normal.fault = kind::reset;
            return normal;
        case fault_type::truncate:
            normal.fault = kind::truncate;
            return normal;
        case fault_type::invalid_json:
            normal.status = 200;
            normal.body = R"({"code": 0, "message": "SUCCESS", "result": {"name": <html>)";
            return normal;
        case fault_type::slow:
            normal.fault = kind::slow;
            normal.slow_chunk_delay = f.slow_chunk_delay;
            return normal;
        case fault_type::oversize: {
            // Still valid JSON, so only the size can be what a client objects to.
            std::string body = normal.body.substr(0, normal.body.rfind('}'));
            body += R"(,"padding":")" + std::string(10 * 1024 * 1024 + 4096, 'x') + "\"}";
            normal.body = std::move(body);
            return normal;
        }
        case fault_type::wrong_content_type:
            for (auto& [name, value] : normal.headers) {
                if (name == "Content-Type")
                    value = "text/html; charset=UTF-8";
            }
            return normal;
    }
    return normal;
}

}  // namespace sesmon::sim
