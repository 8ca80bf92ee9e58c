#include "sim/service_log.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/time_format.hpp"

namespace sesmon::sim {

net::server_response service_json(int status, std::string body) {
    net::server_response res;
    res.status = status;
    res.headers = {{"Content-Type", "application/json;charset=UTF-8"}};
    res.body = std::move(body);
    return res;
}

service_log::service_log(const virtual_clock& vclock, const sesmon::clock& real,
                         std::size_t capacity)
    : vclock_(vclock), real_(real), capacity_(capacity) {}

wall_time service_log::now() const {
    return real_.wall_now() + std::chrono::duration_cast<std::chrono::seconds>(vclock_.advanced());
}

void service_log::record(service_record r) {
    records_.push_back(std::move(r));
    while (records_.size() > capacity_)
        records_.pop_front();
}

void service_log::clear() {
    records_.clear();
    failures_.clear();
}

std::string service_log::list_json(const std::optional<std::string>& service) const {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    const auto str = [&w](std::string_view s) {
        w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    };
    w.StartArray();
    for (const service_record& r : records_) {
        if (service && r.service != *service)
            continue;
        w.StartObject();
        w.Key("service");
        str(r.service);
        w.Key("path");
        str(r.path);
        w.Key("body");
        str(r.body);
        w.Key("status");
        w.Int(r.status);
        w.Key("detail");
        str(r.detail);
        w.Key("at");
        str(common::format_rfc3339_utc(r.at));
        w.EndObject();
    }
    w.EndArray();
    return buffer.GetString();
}

std::string service_log::add_failure(const std::string& json_body) {
    rapidjson::Document doc;
    if (doc.Parse(json_body.c_str()).HasParseError() || !doc.IsObject())
        return "body must be a JSON object";
    if (!doc.HasMember("service") || !doc["service"].IsString())
        return "\"service\" is required (works_token, works_message, teams, sens_mail, sens_sms)";
    const std::string service = doc["service"].GetString();
    if (service != "works_token" && service != "works_message" && service != "teams" &&
        service != "sens_mail" && service != "sens_sms") {
        return "unknown service " + service;
    }
    service_failure f;
    if (!doc.HasMember("mode") || !doc["mode"].IsString())
        return "\"mode\" is required";
    f.mode = doc["mode"].GetString();
    if (f.mode != "429" && f.mode != "500" && f.mode != "503" && f.mode != "400" &&
        f.mode != "401" && f.mode != "refuse") {
        return "mode must be 429, 500, 503, 400, 401 or refuse";
    }
    const auto integer = [&](const char* name, std::optional<int>& out) -> bool {
        if (!doc.HasMember(name))
            return true;
        if (!doc[name].IsInt() || doc[name].GetInt() < 0)
            return false;
        out = doc[name].GetInt();
        return true;
    };
    std::optional<int> count;
    if (!integer("count", count) || !integer("retry_after", f.retry_after) ||
        !integer("rate_limit_reset", f.rate_limit_reset)) {
        return "count, retry_after and rate_limit_reset are non-negative integers";
    }
    f.count = count.value_or(1);
    failures_[service].push_back(f);
    return {};
}

std::optional<net::server_response> service_log::take_failure(std::string_view service) {
    auto it = failures_.find(service);
    if (it == failures_.end() || it->second.empty())
        return std::nullopt;
    service_failure& f = it->second.front();
    net::server_response res;
    if (f.mode == "refuse") {
        res.status = 0;
        res.fault = net::server_response::fault_kind::reset;
    } else if (f.mode == "429") {
        res = service_json(429,
                           service.starts_with("works")
                               ? R"({"code":"TOO_MANY_REQUESTS","description":"Too many requests"})"
                               : R"({"status":429,"errorMessage":"Too many requests"})");
        res.headers.emplace_back("rateLimit-limit", "240");
        res.headers.emplace_back("rateLimit-remaining", "0");
    } else {
        const int status = std::stoi(f.mode);
        res = service_json(
            status, R"({"code":"INJECTED","description":"injected failure )" + f.mode + R"("})");
    }
    if (f.retry_after)
        res.headers.emplace_back("Retry-After", std::to_string(*f.retry_after));
    if (f.rate_limit_reset)
        res.headers.emplace_back("rateLimit-reset", std::to_string(*f.rate_limit_reset));
    if (--f.count <= 0)
        it->second.pop_front();
    return res;
}

}  // namespace sesmon::sim
