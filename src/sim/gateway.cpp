#include "sim/gateway.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cstdio>

#include "common/crypto.hpp"

namespace sesmon::sim {

std::string signature_v2(std::string_view method, std::string_view target,
                         std::string_view timestamp_ms, std::string_view access_key,
                         std::string_view secret_key) {
    std::string message;
    message.append(method).append(" ").append(target).append("\n");
    message.append(timestamp_ms).append("\n").append(access_key);
    return common::base64_encode(common::hmac_sha256(secret_key, message));
}

std::string check_signature(const net::server_request& req, const gateway_credentials& creds,
                            std::chrono::system_clock::time_point now) {
    auto timestamp = req.header("x-ncp-apigw-timestamp");
    auto key = req.header("x-ncp-iam-access-key");
    auto signature = req.header("x-ncp-apigw-signature-v2");
    if (!timestamp || !key || !signature)
        return "missing authentication header";
    if (!common::constant_time_equal(*key, creds.access_key))
        return "unknown access key";
    long long ms = 0;
    auto [end, ec] = std::from_chars(timestamp->data(), timestamp->data() + timestamp->size(), ms);
    if (ec != std::errc{} || end != timestamp->data() + timestamp->size()) {
        return "timestamp is not a number";
    }
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    auto skew = now_ms.count() - ms;
    if (skew >= 5 * 60 * 1000 || skew <= -5 * 60 * 1000)
        return "timestamp outside ±5 minutes";
    auto expected = signature_v2(req.method, req.target, *timestamp, *key, creds.secret_key);
    if (!common::constant_time_equal(expected, *signature))
        return "signature mismatch";
    return {};
}

std::string make_request_id(std::mt19937_64& rng) {
    std::uint64_t a = rng(), b = rng();
    a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
    b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
    char text[37];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                  static_cast<unsigned>(b >> 48),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return text;
}

net::server_response json_response(int status, std::string body, const std::string& request_id) {
    net::server_response res;
    res.status = status;
    res.headers = {{"Content-Type", "application/json;charset=UTF-8"}};
    if (!request_id.empty())
        res.headers.emplace_back("x-ncp-apigw-request-id", request_id);
    res.body = std::move(body);
    return res;
}

net::server_response gateway_error(int status, std::string_view error_code,
                                   std::string_view message, std::string_view details,
                                   const std::string& request_id) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("error");
    w.StartObject();
    w.Key("errorCode");
    w.String(error_code.data(), static_cast<rapidjson::SizeType>(error_code.size()));
    w.Key("message");
    w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
    if (!details.empty()) {
        w.Key("details");
        w.String(details.data(), static_cast<rapidjson::SizeType>(details.size()));
    }
    w.EndObject();
    w.EndObject();
    return json_response(status, buffer.GetString(), request_id);
}

net::server_response service_envelope(int http_status, int code, std::string_view message,
                                      std::string_view result_json, const std::string& request_id) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("code");
    w.Int(code);
    w.Key("message");
    w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
    if (!result_json.empty()) {
        w.Key("result");
        w.RawValue(result_json.data(), result_json.size(), rapidjson::kObjectType);
    }
    w.Key("requestId");
    w.String(request_id.c_str());
    w.EndObject();
    return json_response(http_status, buffer.GetString(), request_id);
}

}  // namespace sesmon::sim
