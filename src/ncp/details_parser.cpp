#include "ncp/details_parser.hpp"

#include <initializer_list>

#include "common/json_reader.hpp"
#include "ncp/cluster_list_parser.hpp"
#include "ncp/json_fields.hpp"

namespace sesmon::ncp {

namespace {

using fields::invalid;
using fields::member;
using fields::value;
using fields::wrong_type;

using common::json::first_text;

// A list: `result` itself, or its first member that is an array (by preference one of
// `preferred`). nullptr when there is none (an empty list then).
const value* list_in(const value& result, std::initializer_list<const char*> preferred) {
    if (result.IsArray())
        return &result;
    if (!result.IsObject())
        return nullptr;
    for (const char* name : preferred) {
        if (const value* v = member(result, name); v != nullptr && v->IsArray())
            return v;
    }
    for (auto it = result.MemberBegin(); it != result.MemberEnd(); ++it) {
        if (it->value.IsArray() && it->value.Size() > 0 && it->value[0].IsObject())
            return &it->value;
    }
    return nullptr;
}

// The envelope's `result`, which may be an object or a list here.
boost::system::result<const value*, api_error> any_result(const json_body& body) {
    if (body.too_large() || !body.parsed() || !body.is_object())
        return fields::envelope_result(body).error();  // the same messages as elsewhere
    auto object = fields::envelope_result(body);
    if (object)
        return object;
    if (object.error().kind != api_error_kind::invalid_response)
        return object.error();
    const value* result = member(body.doc(), "result");
    if (result != nullptr && result->IsArray())
        return result;
    return object.error();
}

}  // namespace

cluster_details_result parse_cluster_info(const json_body& body) {
    auto envelope = fields::envelope_result(body);
    if (!envelope)
        return envelope.error();
    const value& r = **envelope;
    cluster_details d;
    d.instance_no = first_text(r, {"serviceGroupInstanceNo"});
    d.name = first_text(r, {"clusterName"});
    d.status = first_text(r, {"clusterStatus"});
    d.version_code = first_text(r, {"searchEngineVersionCode"});
    d.version_name = first_text(r, {"searchEngineVersion", "searchEngineVersionName"});
    d.user_name = first_text(r, {"searchEngineUserName"});
    d.port = first_text(r, {"searchEnginePort"});
    d.dashboard_port = first_text(r, {"searchEngineDashboardPort"});
    return d;
}

node_addresses_result parse_node_addresses(const json_body& body) {
    auto result = any_result(body);
    if (!result)
        return result.error();
    std::vector<cluster_node_address> out;
    const value* list =
        list_in(**result, {"computeList", "clusterNodeList", "nodeList", "searchEngineNodeList"});
    if (list == nullptr)
        return out;
    if (list->Size() > max_list_entries)
        return invalid("result", "absurd node list length " + std::to_string(list->Size()));
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        const value& n = (*list)[i];
        if (!n.IsObject())
            return wrong_type("result[" + std::to_string(i) + "]", "object", n);
        cluster_node_address a;
        a.name = first_text(n, {"computeInstanceName", "serverName", "hostName", "hostname",
                                "nodeName", "serverInstanceName"});
        a.role = first_text(n, {"nodeRoleCode", "nodeRole", "nodeType", "role"});
        a.private_ip = first_text(n, {"privateIp", "privateIP", "privateIpAddress", "ip"});
        out.push_back(std::move(a));
    }
    return out;
}

version_list_result parse_version_list(const json_body& body) {
    auto result = any_result(body);
    if (!result)
        return result.error();
    std::vector<engine_version> out;
    const value* list = list_in(**result, {"searchEngineVersionList"});
    if (list == nullptr)
        return out;
    if (list->Size() > max_list_entries)
        return invalid("result", "absurd version list length " + std::to_string(list->Size()));
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        const value& v = (*list)[i];
        if (!v.IsObject())
            return wrong_type("result.searchEngineVersionList[" + std::to_string(i) + "]", "object",
                              v);
        engine_version e;
        e.code = first_text(v, {"searchEngineVersionCode"});
        e.name = first_text(v, {"searchEngineVersionName"});
        e.dashboard_name = first_text(v, {"searchEngineDashboardVersionName"});
        e.type = first_text(v, {"type"});
        if (!e.code.empty())
            out.push_back(std::move(e));
    }
    return out;
}

precheck_result parse_precheck(const json_body& body) {
    if (body.too_large() || !body.parsed() || !body.is_object())
        return fields::envelope_result(body).error();
    const value& doc = body.doc();
    const value* code = member(doc, "code");
    const value* result = member(doc, "result");
    if (code == nullptr && result == nullptr)
        return invalid("body", "neither code nor result: not a service answer");
    precheck_verdict v;
    v.code = first_text(doc, {"code"});
    if (v.code.empty())
        v.code = "0";
    v.message = first_text(doc, {"message", "returnMessage"});
    const bool true_result =
        result != nullptr &&
        ((result->IsBool() && result->GetBool()) ||
         (result->IsString() && std::string_view(result->GetString()) == "true"));
    v.passed = v.code == "0" && true_result;
    if (!v.passed && v.message.empty())
        v.message = "the pre-check did not pass (no reason given)";
    return v;
}

}  // namespace sesmon::ncp
