#include "sim/webhook_sink.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/crypto.hpp"
#include "common/text.hpp"
#include "common/time_format.hpp"

namespace sesmon::sim {

bool verify_standard_webhook(std::string_view secret, std::string_view id,
                             std::string_view timestamp, std::string_view body,
                             std::string_view signature_header) {
    std::string key(secret);
    if (secret.substr(0, 6) == "whsec_") {
        auto decoded = common::base64_decode(secret.substr(6));
        if (!decoded)
            return false;
        key = std::move(*decoded);
    }
    std::string message;
    message.append(id).append(".").append(timestamp).append(".").append(body);
    auto expected = common::base64_encode(common::hmac_sha256(key, message));
    bool valid = false;
    while (!signature_header.empty()) {
        auto space = signature_header.find(' ');
        auto entry = signature_header.substr(0, space);
        if (entry.substr(0, 3) == "v1," && common::constant_time_equal(entry.substr(3), expected)) {
            valid = true;
        }
        if (space == std::string_view::npos)
            break;
        signature_header.remove_prefix(space + 1);
    }
    return valid;
}

webhook_sink::webhook_sink(std::map<std::string, std::string> secrets, virtual_clock& vclock,
                           const sesmon::clock& real, std::size_t capacity)
    : secrets_(std::move(secrets)), vclock_(vclock), real_(real), capacity_(capacity) {}

const webhook_sink::failure* webhook_sink::active_failure(const std::string& name) const {
    auto now = vclock_.now();
    for (const auto& key : {name, std::string("*")}) {
        auto it = failures_.find(key);
        if (it != failures_.end() && now < it->second.until)
            return &it->second;
    }
    return nullptr;
}

void webhook_sink::record(received_hook hook) {
    received_.push_back(std::move(hook));
    while (received_.size() > capacity_)
        received_.pop_front();
}

boost::asio::awaitable<net::server_response> webhook_sink::receive(
    net::server_request req, boost::asio::any_io_executor executor) {
    received_hook hook;
    hook.name = std::string(req.path().substr(std::string_view("/hooks/").size()));
    hook.received_at = real_.wall_now();
    hook.received_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    hook.virtual_at = vclock_.now();
    if (auto secret = secrets_.find(hook.name); secret != secrets_.end()) {
        hook.signature_valid =
            verify_standard_webhook(secret->second, req.header("webhook-id").value_or(""),
                                    req.header("webhook-timestamp").value_or(""), req.body,
                                    req.header("webhook-signature").value_or(""));
    }
    hook.headers = std::move(req.headers);
    hook.body = std::move(req.body);

    net::server_response res;
    res.headers = {{"Content-Type", "application/json"}};
    res.body = "{}";
    if (const failure* f = active_failure(hook.name)) {
        if (f->mode == "refuse") {
            res.fault = net::server_response::fault_kind::reset;
            res.status = 0;
        } else if (f->mode == "slow") {
            boost::asio::steady_timer timer(executor, f->delay);
            co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        } else {
            res.status = std::stoi(f->mode);
            res.body = R"({"error":"injected failure"})";
            if (f->retry_after) {
                res.headers.emplace_back("Retry-After", std::to_string(*f->retry_after));
            }
        }
    }
    if (res.status == 200 && hook.signature_valid == false) {
        res.status = 401;
        res.body = R"({"error":"invalid signature"})";
    }
    hook.status = res.status;
    record(std::move(hook));
    co_return res;
}

std::string webhook_sink::list_json(const std::optional<std::string>& name) const {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    auto str = [&w](const std::string& s) {
        w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    };
    w.StartArray();
    for (const auto& h : received_) {
        if (name && h.name != *name)
            continue;
        w.StartObject();
        w.Key("name");
        str(h.name);
        w.Key("headers");
        w.StartObject();
        for (const auto& [key, value] : h.headers) {
            const std::string lower = common::to_lower(key);
            w.Key(lower.c_str(), static_cast<rapidjson::SizeType>(lower.size()));
            str(value);
        }
        w.EndObject();
        w.Key("body");
        str(h.body);
        w.Key("received_at");
        str(common::format_rfc3339_utc(h.received_at));
        w.Key("received_at_ms");
        w.Int64(h.received_at_ms);
        w.Key("virtual_time");
        str(common::format_rfc3339_utc(h.virtual_at));
        w.Key("signature_valid");
        if (h.signature_valid) {
            w.Bool(*h.signature_valid);
        } else {
            w.Null();
        }
        w.Key("status");
        w.Int(h.status);
        w.EndObject();
    }
    w.EndArray();
    return buffer.GetString();
}

std::string webhook_sink::set_failure(const std::string& json_body) {
    rapidjson::Document doc;
    if (doc.Parse(json_body.c_str()).HasParseError() || !doc.IsObject()) {
        return "body must be a JSON object";
    }
    failure f;
    std::string name = "*";
    if (doc.HasMember("name") && doc["name"].IsString())
        name = doc["name"].GetString();
    if (!doc.HasMember("mode") || !doc["mode"].IsString())
        return "\"mode\" is required";
    f.mode = doc["mode"].GetString();
    if (f.mode != "refuse" && f.mode != "503" && f.mode != "429" && f.mode != "slow" &&
        f.mode != "400") {
        return "mode must be refuse, 503, 429, slow or 400";
    }
    if (!doc.HasMember("seconds") || !doc["seconds"].IsNumber() || doc["seconds"].GetDouble() < 0) {
        return "\"seconds\" (virtual seconds, >= 0) is required";
    }
    f.until =
        vclock_.now() + std::chrono::seconds(static_cast<long long>(doc["seconds"].GetDouble()));
    if (doc.HasMember("retry_after")) {
        if (!doc["retry_after"].IsInt() || doc["retry_after"].GetInt() < 0) {
            return "retry_after must be a non-negative integer";
        }
        f.retry_after = doc["retry_after"].GetInt();
    }
    f.delay = std::chrono::seconds(5);
    if (doc.HasMember("delay")) {
        if (!doc["delay"].IsNumber() || doc["delay"].GetDouble() < 0) {
            return "delay must be a non-negative number of real seconds";
        }
        f.delay = duration(static_cast<long long>(doc["delay"].GetDouble() * 1000));
    }
    failures_[name] = std::move(f);
    return {};
}

void webhook_sink::clear() {
    received_.clear();
    failures_.clear();
}

}  // namespace sesmon::sim
