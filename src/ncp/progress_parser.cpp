#include "ncp/progress_parser.hpp"

#include <optional>
#include <string>

#include "common/time_format.hpp"
#include "ncp/json_fields.hpp"

namespace sesmon::ncp {

namespace {

using json = rapidjson::Value;
using parse_result = boost::system::result<snapshot, api_error>;
using ncp::fields::invalid;
using ncp::fields::member;
using ncp::fields::text_field;
using ncp::fields::where;
using ncp::fields::wrong_type;

// nodeCount: integer or decimal string, 0..max_progress_nodes. Missing → nullopt.
boost::system::result<std::optional<int>, api_error> count_field(const json& object,
                                                                 const char* name,
                                                                 const where& path) {
    auto n = ncp::fields::integer_field(object, name, path);
    if (!n)
        return n.error();
    if (!*n)
        return std::optional<int>{};
    if (**n < 0 || **n > max_progress_nodes)
        return invalid(path.dot(name), "absurd value " + std::to_string(**n));
    return std::optional<int>{static_cast<int>(**n)};
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
    auto envelope = ncp::fields::envelope_result(body);
    if (!envelope)
        return envelope.error();
    const json* result = *envelope;

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
