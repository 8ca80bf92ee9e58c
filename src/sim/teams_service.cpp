#include "sim/teams_service.hpp"

#include <rapidjson/document.h>

#include <cstdio>

#include "common/crypto.hpp"

namespace sesmon::sim {
namespace {

net::server_response teams_error(int status, std::string_view code, std::string_view message) {
    return service_json(status, std::string(R"({"error":{"code":")") + std::string(code) +
                                    R"(","message":")" + std::string(message) + "\"}}");
}

bool is_string(const rapidjson::Value& object, const char* name, std::string_view value) {
    return object.IsObject() && object.HasMember(name) && object[name].IsString() &&
           std::string_view(object[name].GetString()) == value;
}

}  // namespace

std::string adaptive_card_problem(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject())
        return "the body is not a JSON object";
    if (!is_string(doc, "type", "message"))
        return "type must be message";
    if (!doc.HasMember("attachments") || !doc["attachments"].IsArray() ||
        doc["attachments"].Empty()) {
        return "attachments must hold the card";
    }
    const auto& attachment = doc["attachments"][0];
    if (!is_string(attachment, "contentType", "application/vnd.microsoft.card.adaptive"))
        return "attachments[0].contentType must be application/vnd.microsoft.card.adaptive";
    if (!attachment.HasMember("content") ||
        !is_string(attachment["content"], "type", "AdaptiveCard"))
        return "attachments[0].content must be an AdaptiveCard";
    const auto& card = attachment["content"];
    int major = 0, minor = 0;
    if (!card.HasMember("version") || !card["version"].IsString() ||
        std::sscanf(card["version"].GetString(), "%d.%d", &major, &minor) != 2 ||
        (major == 1 && minor < 2) || major < 1) {
        return "the card's version must be 1.2 or later";
    }
    if (!card.HasMember("body") || !card["body"].IsArray() || card["body"].Empty())
        return "the card has no body";
    for (const auto& element : card["body"].GetArray()) {
        if (!element.IsObject() || !element.HasMember("type") || !element["type"].IsString())
            return "every body element needs a type";
    }
    return {};
}

teams_service::teams_service(std::string signature, service_log& log)
    : signature_(std::move(signature)), log_(log) {}

net::server_response teams_service::check(const net::server_request& req) const {
    if (!signature_.empty()) {
        const std::string sig = req.query_param("sig").value_or("");
        if (!common::constant_time_equal(sig, signature_))
            return teams_error(401, "DirectApiAuthorizationRequired", "the sig does not match");
    }
    if (req.body.size() > 28 * 1024)
        return teams_error(413, "RequestEntityTooLarge", "the body exceeds 28 KB");
    if (auto problem = adaptive_card_problem(req.body); !problem.empty())
        return teams_error(400, "InvalidRequestContent", problem);
    net::server_response res;
    res.status = 202;
    return res;
}

net::server_response teams_service::handle(const net::server_request& req) {
    service_record record{"teams", std::string(req.path()), req.body, 0, {}, log_.now()};
    net::server_response res;
    if (req.method != "POST") {
        res = teams_error(405, "MethodNotAllowed", "POST only");
    } else if (auto failure = log_.take_failure("teams")) {
        res = std::move(*failure);
        record.detail = "injected failure";
    } else {
        res = check(req);
    }
    record.status = res.status;
    if (res.status >= 400 && record.detail.empty()) {
        rapidjson::Document doc;
        doc.Parse(res.body.c_str());
        if (doc.IsObject() && doc.HasMember("error") && doc["error"].IsObject() &&
            doc["error"].HasMember("message") && doc["error"]["message"].IsString()) {
            record.detail = doc["error"]["message"].GetString();
        }
    }
    log_.record(std::move(record));
    return res;
}

}  // namespace sesmon::sim
