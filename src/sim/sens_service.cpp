#include "sim/sens_service.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

#include "common/time_format.hpp"

namespace sesmon::sim {
namespace {

net::server_response sens_error(int status, std::string_view message) {
    return service_json(status, "{\"status\":" + std::to_string(status) + ",\"errorMessage\":\"" +
                                    std::string(message) + "\"}");
}

std::string text_of(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject() || !object.HasMember(name) || !object[name].IsString())
        return {};
    return {object[name].GetString(), object[name].GetStringLength()};
}

bool digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool path_is(std::string_view path, std::string_view head, std::string_view tail) {
    return path.starts_with(head) && path.ends_with(tail) &&
           path.size() > head.size() + tail.size() &&
           path.substr(head.size(), path.size() - head.size() - tail.size()).find('/') ==
               std::string_view::npos;
}

}  // namespace

std::size_t sens_bytes(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80)
            n += 1;
        else if ((c & 0xC0) != 0x80)
            n += 2;
    }
    return n;
}

sens_service::sens_service(sens_options options, service_log& log)
    : options_(std::move(options)), log_(log) {}

bool sens_service::handles(std::string_view path) {
    return path_is(path, "/sms/v2/services/", "/messages") ||
           path_is(path, "/mail/v2/services/", "/requests") || path == "/api/v1/mails";
}

net::server_response sens_service::handle(const net::server_request& req) {
    const bool is_sms = req.path().starts_with("/sms/");
    service_record record{
        is_sms ? "sens_sms" : "sens_mail", std::string(req.path()), req.body, 0, {}, log_.now()};
    net::server_response res;
    std::string problem;
    if (req.method != "POST") {
        res = gateway_error(404, "300", "Not Found Exception", "POST only", {});
    } else if (options_.credentials &&
               !(problem = check_signature(req, *options_.credentials,
                                           std::chrono::system_clock::time_point(log_.now())))
                    .empty()) {
        res = gateway_error(401, "200", "Authentication Failed", problem, {});
        record.detail = problem;
    } else if (auto failure = log_.take_failure(record.service)) {
        res = std::move(*failure);
        record.detail = "injected failure";
    } else {
        res = is_sms ? sms(req) : mail(req);
    }
    record.status = res.status;
    if (res.status >= 400 && record.detail.empty()) {
        rapidjson::Document doc;
        doc.Parse(res.body.c_str());
        record.detail = text_of(doc, "errorMessage");
    }
    log_.record(std::move(record));
    return res;
}

net::server_response sens_service::sms(const net::server_request& req) {
    rapidjson::Document doc;
    doc.Parse(req.body.c_str());
    if (!doc.IsObject())
        return sens_error(400, "the body is not a JSON object");
    const std::string type = text_of(doc, "type");
    if (type != "SMS" && type != "LMS" && type != "MMS")
        return sens_error(400, "type must be SMS, LMS or MMS");
    const std::string content_type = text_of(doc, "contentType");
    if (!content_type.empty() && content_type != "COMM" && content_type != "AD")
        return sens_error(400, "contentType must be COMM or AD");
    const std::string from = text_of(doc, "from");
    if (!digits(from))
        return sens_error(400, "from must be a number");
    if (!options_.senders.empty() && std::find(options_.senders.begin(), options_.senders.end(),
                                               from) == options_.senders.end()) {
        return sens_error(400, "from is not a registered caller number");
    }
    const std::string content = text_of(doc, "content");
    if (content.empty())
        return sens_error(400, "content is required");
    if (type == "SMS" && sens_bytes(content) > 80)
        return sens_error(400, "an SMS content is at most 80 bytes");
    if (sens_bytes(content) > 2000)
        return sens_error(400, "content is at most 2000 bytes");
    if (sens_bytes(text_of(doc, "subject")) > 40)
        return sens_error(400, "subject is at most 40 bytes");
    if (!doc.HasMember("messages") || !doc["messages"].IsArray() || doc["messages"].Empty())
        return sens_error(400, "messages must list the recipients");
    for (const auto& m : doc["messages"].GetArray()) {
        if (!digits(text_of(m, "to")))
            return sens_error(400, "messages[].to must be a number");
    }
    const std::string id = "sim-sms-" + std::to_string(++requests_);
    std::string time = common::format_rfc3339_utc(log_.now());
    return service_json(202, R"({"requestId":")" + id + R"(","requestTime":")" + time +
                                 R"(","statusCode":"202","statusName":"success"})");
}

net::server_response sens_service::mail(const net::server_request& req) {
    rapidjson::Document doc;
    doc.Parse(req.body.c_str());
    if (!doc.IsObject())
        return sens_error(400, "the body is not a JSON object");
    if (text_of(doc, "senderAddress").find('@') == std::string::npos)
        return sens_error(400, "senderAddress is required");
    const std::string title = text_of(doc, "title");
    if (title.empty() || title.size() > 500)
        return sens_error(400, "title: 1 to 500 bytes");
    const std::string body = text_of(doc, "body");
    if (body.empty() || body.size() > 500 * 1024)
        return sens_error(400, "body: 1 byte to 500 KB");
    if (!doc.HasMember("recipients") || !doc["recipients"].IsArray() || doc["recipients"].Empty()) {
        return sens_error(400, "recipients are required");
    }
    for (const auto& r : doc["recipients"].GetArray()) {
        const std::string kind = text_of(r, "type");
        if (text_of(r, "address").find('@') == std::string::npos ||
            (kind != "R" && kind != "C" && kind != "B")) {
            return sens_error(400, "recipients[] need an address and type R, C or B");
        }
    }
    return service_json(201, R"({"requestId":"sim-mail-)" + std::to_string(++requests_) +
                                 R"(","count":)" + std::to_string(doc["recipients"].Size()) + "}");
}

}  // namespace sesmon::sim
