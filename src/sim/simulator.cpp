#include "sim/simulator.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "common/time_format.hpp"
#include "sim/render.hpp"

namespace sesmon::sim {
namespace {

net::server_response control_json(int status, std::string body) {
    return json_response(status, std::move(body), {});
}

net::server_response control_error(int status, const std::string& message) {
    std::string escaped;
    for (char ch : message) {
        if (ch == '"' || ch == '\\')
            escaped += '\\';
        escaped += ch;
    }
    return control_json(status, R"({"error":")" + escaped + "\"}");
}

// A JSON scalar as the text set_fault_field expects.
std::optional<std::string> scalar_text(const rapidjson::Value& v) {
    if (v.IsString())
        return std::string(v.GetString());
    if (v.IsInt64())
        return std::to_string(v.GetInt64());
    if (v.IsUint64())
        return std::to_string(v.GetUint64());
    if (v.IsDouble())
        return std::to_string(v.GetDouble());
    return std::nullopt;
}

}  // namespace

simulator::simulator(scenario s, simulator_options options, const sesmon::clock& real,
                     boost::asio::any_io_executor executor, std::shared_ptr<spdlog::logger> logger)
    : scenario_(std::move(s)),
      options_(std::move(options)),
      real_(real),
      executor_(std::move(executor)),
      logger_(std::move(logger)),
      vclock_(scenario_.start, options_.time_scale, real),
      faults_(scenario_.seed, scenario_.faults),
      opensearch_(scenario_, vclock_, logger_),
      api_(scenario_, vclock_, real, faults_, options_.credentials, logger_, &opensearch_),
      services_(vclock_, real) {
    if (options_.webhook_sink)
        sink_.emplace(options_.hook_secrets, vclock_, real);
    if (options_.notify_services) {
        works_.emplace(options_.works, services_);
        teams_.emplace(options_.teams_signature, services_);
        sens_.emplace(options_.sens, services_);
    }
}

std::optional<net::server_response> simulator::notify_service(const net::server_request& req) {
    const std::string_view path = req.path();
    if (works_ && works_service::handles(path))
        return works_->handle(req);
    if (teams_ && teams_service::handles(path))
        return teams_->handle(req);
    if (sens_ && sens_service::handles(path))
        return sens_->handle(req);
    return std::nullopt;
}

void simulator::start_opensearch(const net::http_server_options& api_server) {
    opensearch_.start(executor_, api_server);
}

net::server_handler simulator::handler() {
    return [this](net::server_request req) { return handle(std::move(req)); };
}

boost::asio::awaitable<net::server_response> simulator::handle(net::server_request req) {
    auto path = std::string(req.path());
    net::server_response res;
    if (auto answer = notify_service(req)) {
        res = std::move(*answer);
    } else if (api_service::is_api_path(path)) {
        res = api_.handle(req);
    } else if (sink_ && path.rfind("/hooks/", 0) == 0 && path.size() > 7) {
        if (req.method != "POST") {
            res = control_error(405, "webhooks are POSTed");
        } else {
            std::string method = req.method, target = req.target;
            res = co_await sink_->receive(std::move(req), executor_);
            logger_->debug("{} {} -> {}", method, target, res.status);
            co_return res;
        }
    } else if (path.rfind("/_sim/", 0) == 0) {
        res = control(req);
    } else {
        res = gateway_error(404, "300", "Not Found Exception", "no route for " + path, {});
    }
    logger_->debug("{} {} -> {}", req.method, req.target, res.status);
    co_return res;
}

net::server_response simulator::control(const net::server_request& req) {
    auto path = req.path();
    if (path == "/_sim/state" && req.method == "GET") {
        return control_json(200,
                            render_state(scenario_, vclock_.now(), vclock_.scale(), &opensearch_));
    }
    if (path == "/_sim/advance" && req.method == "POST") {
        auto text = req.query_param("seconds");
        long long seconds = -1;
        if (text)
            std::from_chars(text->data(), text->data() + text->size(), seconds);
        if (seconds < 0)
            return control_error(400, "seconds must be a non-negative integer");
        vclock_.advance(std::chrono::seconds(seconds));
        logger_->info("virtual time advanced by {}s to {}", seconds,
                      common::format_rfc3339_utc(vclock_.now()));
        return control_json(
            200, R"({"virtual_time":")" + common::format_rfc3339_utc(vclock_.now()) + "\"}");
    }
    if (path == "/_sim/polls" && req.method == "GET")
        return control_json(200, api_.polls().json());
    if (path == "/_sim/polls" && req.method == "DELETE") {
        api_.polls().clear();
        return control_json(200, "{}");
    }
    if (path == "/_sim/faults" && req.method == "POST")
        return set_faults(req);
    if (path == "/_sim/opensearch" && req.method == "POST") {
        if (auto err = opensearch_.control(req.body); !err.empty())
            return control_error(400, err);
        return control_json(200, "{}");
    }
    if (works_ && path == "/_sim/services" && req.method == "GET")
        return control_json(200, services_.list_json(req.query_param("service")));
    if (works_ && path == "/_sim/services" && req.method == "DELETE") {
        services_.clear();
        return control_json(200, "{}");
    }
    if (works_ && path == "/_sim/services/fail" && req.method == "POST") {
        if (auto err = services_.add_failure(req.body); !err.empty())
            return control_error(400, err);
        logger_->info("notification services: failure set: {}", req.body);
        return control_json(200, "{}");
    }
    if (sink_ && path == "/_sim/hooks" && req.method == "GET") {
        return control_json(200, sink_->list_json(req.query_param("name")));
    }
    if (sink_ && path == "/_sim/hooks" && req.method == "DELETE") {
        sink_->clear();
        return control_json(200, "{}");
    }
    if (sink_ && path == "/_sim/hooks/fail" && req.method == "POST") {
        if (auto err = sink_->set_failure(req.body); !err.empty())
            return control_error(400, err);
        logger_->info("webhook sink: failure set: {}", req.body);
        return control_json(200, "{}");
    }
    return control_error(404, "no control endpoint " + req.method + " " + std::string(path));
}

net::server_response simulator::set_faults(const net::server_request& req) {
    rapidjson::Document doc;
    if (doc.Parse(req.body.c_str()).HasParseError() || !doc.IsObject()) {
        return control_error(400, "body must be a JSON object");
    }
    if (doc.HasMember("clear") && doc["clear"].IsBool() && doc["clear"].GetBool()) {
        faults_.clear_runtime();
    }
    std::vector<fault_spec> added;
    if (doc.HasMember("faults")) {
        if (!doc["faults"].IsArray())
            return control_error(400, "faults must be an array");
        auto now = vclock_.now();
        for (const auto& item : doc["faults"].GetArray()) {
            if (!item.IsObject() || !item.HasMember("kind")) {
                return control_error(400, "each fault must be an object with \"kind\"");
            }
            fault_spec spec;
            auto kind = scalar_text(item["kind"]);
            if (auto err = set_fault_field(spec, "kind", kind.value_or(""), scenario_.start, now);
                !err.empty()) {
                return control_error(400, err);
            }
            for (const auto& m : item.GetObject()) {
                std::string key = m.name.GetString();
                if (key == "kind")
                    continue;
                auto value = scalar_text(m.value);
                if (!value)
                    return control_error(400, "fault key " + key + " needs a scalar");
                if (auto err = set_fault_field(spec, key, *value, scenario_.start, now);
                    !err.empty()) {
                    return control_error(400, err);
                }
            }
            added.push_back(std::move(spec));
        }
    }
    for (auto& spec : added) {
        logger_->info("runtime fault added: {}{}", to_string(spec.type),
                      spec.cluster.empty() ? "" : " for cluster " + spec.cluster);
        faults_.add_runtime(std::move(spec));
    }
    return control_json(200,
                        R"({"runtime_faults":)" + std::to_string(faults_.runtime_count()) + "}");
}

}  // namespace sesmon::sim
