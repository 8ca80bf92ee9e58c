#include "ncp/cluster_list_parser.hpp"

#include <string>

#include "ncp/json_fields.hpp"

namespace sesmon::ncp {

namespace {

using fields::invalid;
using fields::member;
using fields::value;
using fields::where;
using fields::wrong_type;

template <class T>
using field = boost::system::result<std::optional<T>, api_error>;

const where at_result{"result"};

// A non-negative integer given as a number or as decimal text.
field<long long> number_field(const value& result, const char* name) {
    auto n = fields::integer_field(result, name, at_result);
    if (n && *n && **n < 0)
        return invalid(at_result.dot(name), "negative: " + std::to_string(**n));
    return n;
}

field<bool> bool_field(const value& result, const char* name) {
    const value* v = member(result, name);
    if (v == nullptr || v->IsNull())
        return std::optional<bool>{};
    if (v->IsBool())
        return std::optional<bool>{v->GetBool()};
    if (v->IsString()) {
        const std::string_view text(v->GetString(), v->GetStringLength());
        if (text == "true")
            return std::optional<bool>{true};
        if (text == "false")
            return std::optional<bool>{false};
        return invalid(at_result.dot(name), "not a boolean: \"" + std::string(text) + "\"");
    }
    return wrong_type(at_result.dot(name), "boolean", *v);
}

boost::system::result<listed_cluster, api_error> parse_cluster(const value& v, const where& at) {
    if (!v.IsObject())
        return wrong_type(at.text(), "object", v);
    listed_cluster out;
    const std::pair<const char*, std::string*> fields[] = {
        {"serviceGroupInstanceNo", &out.instance_no},
        {"clusterName", &out.name},
        {"clusterStatus", &out.status},
        {"searchEngineStatus", &out.engine_status},
        {"searchEngineVersion", &out.engine_version},
    };
    for (const auto& [name, target] : fields) {
        const bool number_ok = target == &out.instance_no;
        auto text = fields::text_field(v, name, at, number_ok);
        if (!text)
            return text.error();
        *target = text->value_or("");
    }
    return out;
}

boost::system::result<std::vector<listed_cluster>, api_error> parse_clusters(const value& result,
                                                                             const char* name) {
    std::vector<listed_cluster> out;
    const value* list = member(result, name);
    if (list == nullptr || list->IsNull())
        return out;
    const std::string path = at_result.dot(name);
    if (!list->IsArray())
        return wrong_type(path, "array", *list);
    if (list->Size() > max_list_entries)
        return invalid(path, "absurd length " + std::to_string(list->Size()));
    out.reserve(list->Size());
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        auto cluster = parse_cluster((*list)[i], where{path, static_cast<int>(i)});
        if (!cluster)
            return cluster.error();
        out.push_back(std::move(*cluster));
    }
    return out;
}

}  // namespace

cluster_list_result parse_cluster_list(std::string_view body) {
    return parse_cluster_list(json_body(std::string(body)));
}

cluster_list_result parse_cluster_list(const json_body& body) {
    auto envelope = fields::envelope_result(body);
    if (!envelope)
        return envelope.error();
    const value& result = **envelope;

    cluster_list_page page;
    const std::pair<const char*, std::optional<long long>*> numbers[] = {
        {"currentPage", &page.current_page},
        {"totalPage", &page.total_page},
        {"totalCount", &page.total_count},
    };
    for (const auto& [name, target] : numbers) {
        auto n = number_field(result, name);
        if (!n)
            return n.error();
        *target = *n;
    }
    auto is_last = bool_field(result, "isLast");
    if (!is_last)
        return is_last.error();
    page.is_last = *is_last;
    auto allowed = parse_clusters(result, "allowedClusters");
    if (!allowed)
        return allowed.error();
    page.allowed = std::move(*allowed);
    auto disallowed = parse_clusters(result, "disallowedClusters");
    if (!disallowed)
        return disallowed.error();
    page.disallowed = std::move(*disallowed);
    return page;
}

}  // namespace sesmon::ncp
