#include "ncp/progress_parser.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "common/time_format.hpp"
#include "ncp/json_fields.hpp"

namespace sesmon::ncp {

namespace {

using value = json::value;
using parse_result = boost::system::result<snapshot, api_error>;
using ncp::json::invalid;
using ncp::json::member;
using ncp::json::text_field;
using ncp::json::type_name;
using ncp::json::wrong_type;

// nodeCount: integer or decimal string, 0..max_progress_nodes. Missing → nullopt.
boost::system::result<std::optional<int>, api_error> count_field(const value& object,
                                                                 const char* name,
                                                                 const std::string& path) {
    auto n = json::integer_field(object, name, path);
    if (!n)
        return n.error();
    if (!*n)
        return std::optional<int>{};
    if (**n < 0 || **n > max_progress_nodes)
        return invalid(path + "." + name, "absurd value " + std::to_string(**n));
    return std::optional<int>{static_cast<int>(**n)};
}

boost::system::result<std::optional<version_info>, api_error> parse_version(
    const value& result, std::chrono::seconds zone_offset) {
    const value* v = member(result, "versionVo");
    if (v == nullptr || v->IsNull())
        return std::optional<version_info>{};
    const std::string path = "result.versionVo";
    if (!v->IsObject())
        return wrong_type(path, "object", *v);
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

boost::system::result<node_observation, api_error> parse_node(const value& v,
                                                              const std::string& path,
                                                              std::chrono::seconds zone_offset) {
    if (!v.IsObject())
        return wrong_type(path, "object", v);
    const char* host_key = member(v, "hostname") != nullptr ? "hostname" : "hostName";
    auto host = text_field(v, host_key, path, false);
    if (!host)
        return host.error();
    if (!*host)
        return invalid(path + ".hostname", "missing");
    auto status = text_field(v, "status", path, false);
    if (!status)
        return status.error();
    if (!*status)
        return invalid(path + ".status", "missing");
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
    rapidjson::Document doc;
    auto envelope = json::parse_envelope(body, max_progress_body_bytes, doc);
    if (!envelope)
        return envelope.error();
    const value* result = *envelope;

    snapshot out;
    auto name = text_field(*result, "name", "result", false);
    if (!name)
        return name.error();
    out.cluster_name = name->value_or("");
    auto count = count_field(*result, "nodeCount", "result");
    if (!count)
        return count.error();
    auto version = parse_version(*result, zone_offset);
    if (!version)
        return version.error();
    out.version = std::move(*version);

    const value* list = member(*result, "nodeStatusVoList");
    if (list != nullptr && !list->IsNull()) {
        if (!list->IsArray())
            return wrong_type("result.nodeStatusVoList", "array", *list);
        if (list->Size() > static_cast<rapidjson::SizeType>(max_progress_nodes)) {
            return invalid("result.nodeStatusVoList",
                           "absurd length " + std::to_string(list->Size()));
        }
        out.nodes.reserve(list->Size());
        for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
            auto node = parse_node((*list)[i], "result.nodeStatusVoList[" + std::to_string(i) + "]",
                                   zone_offset);
            if (!node)
                return node.error();
            out.nodes.push_back(std::move(*node));
        }
    }
    out.node_count = count->value_or(static_cast<int>(out.nodes.size()));
    return out;
}

}  // namespace sesmon::ncp
