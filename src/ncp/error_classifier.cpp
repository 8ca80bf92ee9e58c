#include "ncp/error_classifier.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/http_date.hpp"
#include "common/text.hpp"
#include "common/time_format.hpp"

namespace sesmon::ncp {

namespace {

struct gateway_code {
    std::string_view code;
    api_error_kind kind;
    std::string_view text;  // "<what>" ... "(gateway S/C)" ... ": <advice>"
    std::string_view advice;
};

constexpr gateway_code gateway_codes[] = {
    {"100", api_error_kind::bad_request, "bad request", "the gateway rejected the request"},
    {"200", api_error_kind::auth, "authentication failed",
     "check the access key, secret key and clock"},
    {"210", api_error_kind::auth, "permission denied",
     "give the key's sub-account permission for Search Engine Service"},
    {"230", api_error_kind::auth, "forbidden", "the key may not call this API"},
    {"300", api_error_kind::not_found, "not found",
     "unknown route or method: check api.site, api.region and api.endpoint"},
    {"430", api_error_kind::bad_request, "request too large", "the request body was refused"},
    {"400", api_error_kind::throttled, "quota exceeded", "backing off"},
    {"410", api_error_kind::throttled, "throttled", "backing off"},
    {"420", api_error_kind::throttled, "rate limited", "backing off"},
    {"500", api_error_kind::server, "endpoint error", "the service failed; retrying"},
    {"510", api_error_kind::server, "endpoint timeout", "the service did not answer; retrying"},
    {"520", api_error_kind::server, "unknown endpoint domain", "retrying"},
    {"530", api_error_kind::server, "connection closed by endpoint", "retrying"},
    {"900", api_error_kind::server, "unexpected gateway error", "retrying"},
};

api_error_kind kind_for_status(int status) {
    if (status == 401 || status == 403)
        return api_error_kind::auth;
    if (status == 404)
        return api_error_kind::not_found;
    if (status == 429)
        return api_error_kind::throttled;
    if (status >= 500)
        return api_error_kind::server;
    if (status >= 400)
        return api_error_kind::bad_request;
    return api_error_kind::invalid_response;
}

// Text from the server, made safe for a one-line log: printable ASCII, at most 200 chars.
std::string one_line(std::string_view text) {
    std::string out;
    for (unsigned char c : text.substr(0, 200)) {
        out += std::isprint(c) ? static_cast<char>(c) : ' ';
    }
    return out;
}

std::string text_of(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd())
        return "";
    if (it->value.IsString())
        return it->value.GetString();
    if (it->value.IsInt64())
        return std::to_string(it->value.GetInt64());
    return "";
}

api_error gateway_error(int status, const rapidjson::Value& error) {
    api_error e;
    e.http_status = status;
    e.code = text_of(error, "errorCode");
    const std::string where = "(gateway " + std::to_string(status) + "/" + e.code + ")";
    const auto known = std::find_if(std::begin(gateway_codes), std::end(gateway_codes),
                                    [&](const gateway_code& g) { return g.code == e.code; });
    if (known != std::end(gateway_codes)) {
        e.kind = known->kind;
        e.message = std::string(known->text) + " " + where + ": " + std::string(known->advice);
    } else {
        e.kind = kind_for_status(status);
        e.message = "gateway error " + where;
    }
    std::string said = text_of(error, "message");
    std::string details = text_of(error, "details");
    if (details.empty())
        details = text_of(error, "detail");
    if (!details.empty())
        said += (said.empty() ? "" : ": ") + details;
    if (!said.empty())
        e.message += " [gateway says: " + one_line(said) + "]";
    return e;
}

std::optional<api_error> service_error(int status, const rapidjson::Value& doc) {
    const auto code = doc.FindMember("code");
    if (code == doc.MemberEnd() || code->value.IsNull())
        return std::nullopt;
    const bool zero = (code->value.IsInt64() && code->value.GetInt64() == 0) ||
                      (code->value.IsString() && std::string_view(code->value.GetString()) == "0");
    if (zero)
        return std::nullopt;
    api_error e;
    e.http_status = status;
    e.code = text_of(doc, "code");
    e.kind = status >= 500 ? api_error_kind::server : api_error_kind::service;
    e.message = "service error " + e.code + " (HTTP " + std::to_string(status) + ")";
    if (const auto said = text_of(doc, "message"); !said.empty()) {
        e.message += ": " + one_line(said);
    }
    return e;
}

api_error status_error(int status) {
    api_error e;
    e.http_status = status;
    e.kind = kind_for_status(status);
    const std::string http = "(HTTP " + std::to_string(status) + ")";
    switch (e.kind) {
        case api_error_kind::auth:
            e.message =
                "authentication failed " + http + ": check the access key, secret key and clock";
            break;
        case api_error_kind::not_found:
            e.message = "not found " + http + ": check api.site, api.region and api.endpoint";
            break;
        case api_error_kind::throttled:
            e.message = "throttled " + http + ": backing off";
            break;
        case api_error_kind::server:
            e.message = "server error " + http + ": retrying";
            break;
        case api_error_kind::bad_request:
            e.message = "request rejected " + http;
            break;
        default:
            e.message = "unexpected response " + http;
            break;
    }
    return e;
}

}  // namespace

std::optional<std::string_view> find_header(const http_headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (common::iequals(key, name))
            return std::string_view(value);
    }
    return std::nullopt;
}

std::optional<api_error> classify_response(int http_status, const http_headers& headers,
                                           const json_body& body, wall_time our_now) {
    std::optional<api_error> error;
    if (body.is_object()) {
        const auto& doc = body.doc();
        if (const auto it = doc.FindMember("error");
            it != doc.MemberEnd() && it->value.IsObject()) {
            error = gateway_error(http_status, it->value);
        } else {
            error = service_error(http_status, doc);
        }
    }
    if (!error && (http_status < 200 || http_status > 299)) {
        error = status_error(http_status);
    }
    if (!error)
        return std::nullopt;

    if (const auto retry = find_header(headers, "Retry-After")) {
        error->retry_after = common::parse_retry_after(*retry, our_now);
    }
    if (http_status == 401) {
        if (const auto date = find_header(headers, "Date")) {
            if (const auto server_now = common::parse_http_date(*date)) {
                const auto skew =
                    *server_now > our_now ? *server_now - our_now : our_now - *server_now;
                if (skew >= clock_skew_threshold) {
                    error->clock_skew_suspected = true;
                    error->message += "; the server's clock differs from ours by " +
                                      common::format_duration(skew) +
                                      ": sync this host's clock (NTP)";
                }
            }
        }
    }
    return error;
}

std::optional<api_error> classify_response(int http_status, const http_headers& headers,
                                           std::string_view body, wall_time our_now) {
    return classify_response(http_status, headers, json_body(std::string(body)), our_now);
}

}  // namespace sesmon::ncp
