#include "notify/service_reply.hpp"

#include <rapidjson/document.h>

#include <charconv>

#include "common/text.hpp"
#include "notify/retry_policy.hpp"
#include "notify/utf8_text.hpp"

namespace sesmon::notify {
namespace {

std::string member_text(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject())
        return {};
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd())
        return {};
    if (it->value.IsString())
        return {it->value.GetString(), it->value.GetStringLength()};
    if (it->value.IsInt64())
        return std::to_string(it->value.GetInt64());
    return {};
}

std::string joined(const std::string& code, const std::string& message) {
    if (code.empty())
        return message;
    return message.empty() ? code : code + ": " + message;
}

std::string reason_in(const rapidjson::Value& doc) {
    if (const auto it = doc.FindMember("error"); it != doc.MemberEnd() && it->value.IsObject()) {
        const auto& error = it->value;
        std::string code = member_text(error, "errorCode");
        if (code.empty())
            code = member_text(error, "code");
        return joined(code, member_text(error, "message"));
    }
    for (const auto& [code, message] :
         {std::pair{"error", "error_description"}, std::pair{"code", "description"},
          std::pair{"code", "message"}, std::pair{"error", "message"}}) {
        std::string text = joined(member_text(doc, code), member_text(doc, message));
        if (!text.empty())
            return text;
    }
    if (std::string text = member_text(doc, "errorMessage"); !text.empty())
        return text;
    return {};
}

}  // namespace

std::string service_error_text(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject())
        return {};
    std::string text = reason_in(doc);
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20)
            c = ' ';
    }
    return shorten(text, 200, "...", text_unit::bytes);
}

std::optional<delivery_outcome> refused_by(const delivery_context& context, steady_time now) {
    std::string why = context.refusal(now);
    if (why.empty())
        return std::nullopt;
    delivery_outcome outcome;
    outcome.result = delivery_outcome::kind::retry;
    outcome.detail = std::move(why);
    return outcome;
}

delivery_outcome classify_service_result(const http_result& result, wall_time now) {
    delivery_outcome outcome = classify_http_result(result, now);
    if (!result || outcome.result == delivery_outcome::kind::delivered)
        return outcome;
    if (auto reason = service_error_text(result->body); !reason.empty())
        outcome.detail += ": " + reason;
    if (outcome.result == delivery_outcome::kind::retry && !outcome.retry_after) {
        if (auto reset = result->header("rateLimit-reset")) {
            const std::string_view text = common::trim(*reset);
            long long seconds = -1;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
            if (ec == std::errc{} && end == text.data() + text.size() && seconds >= 0 &&
                seconds <= 24 * 3600) {
                outcome.retry_after = std::chrono::seconds(seconds);
            }
        }
    }
    return outcome;
}

}  // namespace sesmon::notify
