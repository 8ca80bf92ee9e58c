#pragma once
// Checked reading of API response bodies, shared by the response parsers (progress, cluster
// list): typed field access whose failures are api_error values naming the field path
// ("result.nodeStatusVoList[2].status: expected string, got number"), and the service
// envelope ({"code": N, "message", "result": {...}}). Pure, never throws.
#include <rapidjson/document.h>

#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ncp/json_body.hpp"
#include "sesmon/api_error.hpp"

namespace sesmon::ncp::fields {

using value = rapidjson::Value;

// Where a value sits ("result.nodeStatusVoList[2]"), put into words only for an error:
// a successful parse builds no path strings.
struct where {
    std::string_view base;
    int index = -1;  // array element, or -1
    std::string text() const {
        return index < 0 ? std::string(base)
                         : std::string(base) + "[" + std::to_string(index) + "]";
    }
    std::string dot(const char* name) const { return text() + "." + name; }
};

// invalid_response: "invalid API response: <path>: <what>".
api_error invalid(const std::string& path, const std::string& what);
// "null", "boolean", "number", "string", "array" or "object".
std::string type_name(const value& v);
api_error wrong_type(const std::string& path, std::string_view expected, const value& v);

// The member, or nullptr when absent.
inline const value* member(const value& object, const char* name) {
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

// A text field. Missing or null → nullopt. Numbers are accepted (as their decimal text)
// only where `allow_number`.
boost::system::result<std::optional<std::string>, api_error> text_field(const value& object,
                                                                        const char* name,
                                                                        const where& path,
                                                                        bool allow_number);

// An integer given as a number or as decimal text. Missing or null → nullopt.
boost::system::result<std::optional<long long>, api_error> integer_field(const value& object,
                                                                         const char* name,
                                                                         const where& path);

// The `result` object of a service envelope: a body too large or not JSON or not an object
// is invalid_response, a `code` other than 0 is api_error_kind::service, a missing or
// non-object `result` is invalid_response.
boost::system::result<const value*, api_error> envelope_result(const json_body& body);

}  // namespace sesmon::ncp::fields
