#include "ncp/json_fields.hpp"

#include <charconv>

namespace sesmon::ncp::fields {

api_error invalid(const std::string& path, const std::string& what) {
    api_error e;
    e.kind = api_error_kind::invalid_response;
    e.message = "invalid API response: " + path + ": " + what;
    return e;
}

std::string type_name(const value& v) {
    if (v.IsNull())
        return "null";
    if (v.IsBool())
        return "boolean";
    if (v.IsNumber())
        return "number";
    if (v.IsString())
        return "string";
    if (v.IsArray())
        return "array";
    return "object";
}

api_error wrong_type(const std::string& path, std::string_view expected, const value& v) {
    return invalid(path, "expected " + std::string(expected) + ", got " + type_name(v));
}

boost::system::result<std::optional<std::string>, api_error> text_field(const value& object,
                                                                        const char* name,
                                                                        const where& path,
                                                                        bool allow_number) {
    const value* v = member(object, name);
    if (v == nullptr || v->IsNull())
        return std::optional<std::string>{};
    if (v->IsString())
        return std::optional<std::string>{std::string(v->GetString(), v->GetStringLength())};
    if (allow_number && v->IsInt64())
        return std::optional<std::string>{std::to_string(v->GetInt64())};
    return wrong_type(path.dot(name), allow_number ? "string or integer" : "string", *v);
}

boost::system::result<std::optional<long long>, api_error> integer_field(const value& object,
                                                                         const char* name,
                                                                         const where& path) {
    const value* v = member(object, name);
    if (v == nullptr || v->IsNull())
        return std::optional<long long>{};
    if (v->IsInt64())
        return std::optional<long long>{v->GetInt64()};
    if (!v->IsString())
        return wrong_type(path.dot(name), "integer", *v);
    const char* first = v->GetString();
    const char* last = first + v->GetStringLength();
    long long n = 0;
    const auto [end, ec] = std::from_chars(first, last, n);
    if (ec != std::errc() || end != last || first == last)
        return invalid(path.dot(name), "not an integer: \"" + std::string(first, last) + "\"");
    return std::optional<long long>{n};
}

boost::system::result<const value*, api_error> envelope_result(const json_body& body) {
    if (body.too_large()) {
        return invalid("body", "larger than " + std::to_string(max_progress_body_bytes) +
                                   " bytes (" + std::to_string(body.size()) + ")");
    }
    if (!body.parsed())
        return invalid("body", body.parse_error());
    const auto& doc = body.doc();
    if (!doc.IsObject())
        return wrong_type("body", "object", doc);
    if (const value* code = member(doc, "code"); code != nullptr && !code->IsNull()) {
        const bool zero = (code->IsInt64() && code->GetInt64() == 0) ||
                          (code->IsString() && std::string_view(code->GetString()) == "0");
        if (!zero) {
            api_error e;
            e.kind = api_error_kind::service;
            e.code = code->IsString()  ? code->GetString()
                     : code->IsInt64() ? std::to_string(code->GetInt64())
                                       : type_name(*code);
            e.message = "service error " + e.code;
            return e;
        }
    }
    const value* result = member(doc, "result");
    if (result == nullptr)
        return invalid("result", "missing");
    if (!result->IsObject())
        return wrong_type("result", "object", *result);
    return result;
}

}  // namespace sesmon::ncp::fields
