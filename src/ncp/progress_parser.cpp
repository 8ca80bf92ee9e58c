#include "ncp/progress_parser.hpp"

#include <charconv>
#include <optional>
#include <string>

#include "common/time_format.hpp"

namespace sesmon::ncp {

namespace {

using json = rapidjson::Value;
using parse_result = boost::system::result<snapshot, api_error>;

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

api_error invalid(const std::string& path, const std::string& what) {
    api_error e;
    e.kind = api_error_kind::invalid_response;
    e.message = "invalid API response: " + path + ": " + what;
    return e;
}

std::string type_name(const json& v) {
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

api_error wrong_type(const std::string& path, std::string_view expected, const json& v) {
    return invalid(path, "expected " + std::string(expected) + ", got " + type_name(v));
}

const json* member(const json& object, const char* name) {
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

// A text field. Missing or null → nullopt. Numbers are accepted (as their decimal text)
// only where `allow_number`.
boost::system::result<std::optional<std::string>, api_error> text_field(const json& object,
                                                                        const char* name,
                                                                        const where& path,
                                                                        bool allow_number) {
    const json* v = member(object, name);
    if (v == nullptr || v->IsNull())
        return std::optional<std::string>{};
    if (v->IsString())
        return std::optional<std::string>{std::string(v->GetString(), v->GetStringLength())};
    if (allow_number && v->IsInt64())
        return std::optional<std::string>{std::to_string(v->GetInt64())};
    return wrong_type(path.dot(name), allow_number ? "string or integer" : "string", *v);
}

// nodeCount: integer or decimal string, 0..max_progress_nodes. Missing → nullopt.
boost::system::result<std::optional<int>, api_error> count_field(const json& object,
                                                                 const char* name,
                                                                 const where& path) {
    const json* v = member(object, name);
    if (v == nullptr || v->IsNull())
        return std::optional<int>{};
    long long n = -1;
    if (v->IsInt64()) {
        n = v->GetInt64();
    } else if (v->IsString()) {
        const char* first = v->GetString();
        const char* last = first + v->GetStringLength();
        const auto [end, ec] = std::from_chars(first, last, n);
        if (ec != std::errc() || end != last || first == last) {
            return invalid(path.dot(name), "not an integer: \"" + std::string(first, last) + "\"");
        }
    } else {
        return wrong_type(path.dot(name), "integer", *v);
    }
    if (n < 0 || n > max_progress_nodes) {
        return invalid(path.dot(name), "absurd value " + std::to_string(n));
    }
    return std::optional<int>{static_cast<int>(n)};
}

boost::system::result<std::optional<version_info>, api_error> parse_version(
    const json& result, std::chrono::seconds zone_offset) {
    const json* v = member(result, "versionVo");
    if (v == nullptr || v->IsNull())
        return std::optional<version_info>{};
    const where path{"result.versionVo"};
    if (!v->IsObject())
        return wrong_type(path.text(), "object", *v);
    auto current = text_field(*v, "currentVersionCode", path, true);
    if (!current)
        return current.error();
    auto target = text_field(*v, "targetVersionCode", path, true);
    if (!target)
        return target.error();
    auto action = text_field(*v, "actionDate", path, false);
    if (!action)
        return action.error();
    version_info out;
    out.current_version = current->value_or("");
    out.target_version = target->value_or("");
    out.action_date_raw = action->value_or("");
    out.action_at = common::parse_api_date(out.action_date_raw, zone_offset);
    return std::optional<version_info>{std::move(out)};
}

boost::system::result<node_observation, api_error> parse_node(const json& v, const where& path,
                                                              std::chrono::seconds zone_offset) {
    if (!v.IsObject())
        return wrong_type(path.text(), "object", v);
    const char* host_key = member(v, "hostname") != nullptr ? "hostname" : "hostName";
    auto host = text_field(v, host_key, path, false);
    if (!host)
        return host.error();
    if (!*host)
        return invalid(path.dot("hostname"), "missing");
    auto status = text_field(v, "status", path, false);
    if (!status)
        return status.error();
    if (!*status)
        return invalid(path.dot("status"), "missing");
    auto role = text_field(v, "nodeRoleCode", path, false);
    if (!role)
        return role.error();
    auto updated = text_field(v, "updatedDate", path, false);
    if (!updated)
        return updated.error();
    node_observation out;
    out.hostname = std::move(**host);
    out.status = std::move(**status);
    out.role = role->value_or("");
    out.updated_raw = updated->value_or("");
    out.updated_at = common::parse_api_date(out.updated_raw, zone_offset);
    return out;
}

}  // namespace

parse_result parse_progress(std::string_view body, std::chrono::seconds zone_offset) {
    return parse_progress(json_body(std::string(body)), zone_offset);
}

parse_result parse_progress(const json_body& body, std::chrono::seconds zone_offset) {
    if (body.too_large()) {
        return invalid("body", "larger than " + std::to_string(max_progress_body_bytes) +
                                   " bytes (" + std::to_string(body.size()) + ")");
    }
    if (!body.parsed())
        return invalid("body", body.parse_error());
    const auto& doc = body.doc();
    if (!doc.IsObject())
        return wrong_type("body", "object", doc);

    if (const json* code = member(doc, "code"); code != nullptr && !code->IsNull()) {
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
    const json* result = member(doc, "result");
    if (result == nullptr)
        return invalid("result", "missing");
    if (!result->IsObject())
        return wrong_type("result", "object", *result);

    snapshot out;
    const where at_result{"result"};
    auto name = text_field(*result, "name", at_result, false);
    if (!name)
        return name.error();
    out.cluster_name = name->value_or("");
    auto count = count_field(*result, "nodeCount", at_result);
    if (!count)
        return count.error();
    auto version = parse_version(*result, zone_offset);
    if (!version)
        return version.error();
    out.version = std::move(*version);

    const json* list = member(*result, "nodeStatusVoList");
    if (list != nullptr && !list->IsNull()) {
        if (!list->IsArray())
            return wrong_type("result.nodeStatusVoList", "array", *list);
        if (list->Size() > static_cast<rapidjson::SizeType>(max_progress_nodes)) {
            return invalid("result.nodeStatusVoList",
                           "absurd length " + std::to_string(list->Size()));
        }
        out.nodes.reserve(list->Size());
        for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
            auto node = parse_node(
                (*list)[i], where{"result.nodeStatusVoList", static_cast<int>(i)}, zone_offset);
            if (!node)
                return node.error();
            out.nodes.push_back(std::move(*node));
        }
    }
    out.node_count = count->value_or(static_cast<int>(out.nodes.size()));
    return out;
}

}  // namespace sesmon::ncp
