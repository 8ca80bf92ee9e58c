#pragma once
// Checked reading of API response bodies, shared by the response parsers: typed field
// access whose failures are api_error values naming the field path
// ("result.nodeStatusVoList[2].status: expected string, got number"), and the service
// envelope ({"code": N, "message", "result": {...}}). Pure, never throws.
#include <rapidjson/document.h>

#include <boost/system/result.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/api_error.hpp"

namespace sesmon::ncp::json {

using value = rapidjson::Value;

// invalid_response: "invalid API response: <path>: <what>".
api_error invalid(const std::string& path, const std::string& what);
// "null", "boolean", "number", "string", "array" or "object".
std::string type_name(const value& v);
api_error wrong_type(const std::string& path, std::string_view expected, const value& v);

// The member, or nullptr when absent.
const value* member(const value& object, const char* name);

// A text field. Missing or null → nullopt. Numbers are accepted (as their decimal text)
// only where `allow_number`.
boost::system::result<std::optional<std::string>, api_error> text_field(const value& object,
                                                                        const char* name,
                                                                        const std::string& path,
                                                                        bool allow_number);

// An integer given as a number or as decimal text. Missing or null → nullopt.
boost::system::result<std::optional<long long>, api_error> integer_field(const value& object,
                                                                         const char* name,
                                                                         const std::string& path);

// Parses `body` (at most `max_bytes`; iterative, so deep nesting cannot exhaust the stack)
// and checks the service envelope: malformed JSON or a non-object is invalid_response, a
// `code` other than 0 is api_error_kind::service. On success `doc` holds the document and
// the returned pointer is its `result` object.
boost::system::result<const value*, api_error> parse_envelope(std::string_view body,
                                                              std::size_t max_bytes,
                                                              rapidjson::Document& doc);

}  // namespace sesmon::ncp::json
