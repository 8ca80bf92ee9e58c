#include "cli/preflight_view.hpp"

#include <algorithm>

#include "common/json_writer.hpp"

namespace sesmon::cli {

namespace json = common::json;

namespace {

std::string pad(const std::string& text, std::size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string result_word(const std::string& result) {
    if (result == "no")
        return "NO";
    return result;
}

}  // namespace

std::string preflight_table(const preflight_report& r) {
    std::string out = "preflight " + r.cluster.name + "  (instance " + r.cluster.instance_no +
                      ", " + r.cluster.region + ")\n";
    if (!r.current_code.empty()) {
        out += "  current    " +
               (r.current_name.empty() ? r.current_code
                                       : r.current_name + " (" + r.current_code + ")") +
               (r.cluster_status.empty() ? "" : ", cluster " + r.cluster_status) + "\n";
    }
    if (!r.versions.empty()) {
        std::string list;
        for (const auto& v : r.versions)
            list += (list.empty() ? "" : ", ") + (v.name.empty() ? v.code : v.name);
        out += "  offered    " + list + "\n";
    }
    std::size_t name_w = 0;
    for (const auto& c : r.checks)
        name_w = std::max(name_w, c.name.size());
    for (const auto& c : r.checks)
        out += "  " + pad(result_word(c.result), 9) + pad(c.name, name_w + 2) + c.detail + "\n";
    if (r.verdict == "go") {
        out += "GO: every check passed\n";
    } else if (r.verdict == "no-go") {
        out += "NO-GO: " + std::to_string(r.reasons.size()) + " reason" +
               (r.reasons.size() == 1 ? "" : "s") + "\n";
        for (const auto& why : r.reasons)
            out += "  - " + why + "\n";
    } else {
        out += "UNDECIDED: the API could not be asked\n";
        for (const auto& why : r.reasons)
            out += "  - " + why + "\n";
    }
    return out;
}

std::string preflight_json(const preflight_report& r) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "cluster");
    w.StartObject();
    json::put(w, "name", r.cluster.name);
    json::put(w, "instance_no", r.cluster.instance_no);
    json::put(w, "region", r.cluster.region);
    w.EndObject();
    json::key(w, "current");
    w.StartObject();
    json::put_or_null(w, "code", r.current_code);
    json::put_or_null(w, "version", r.current_name);
    json::put_or_null(w, "status", r.cluster_status);
    w.EndObject();
    json::key(w, "versions");
    w.StartArray();
    for (const auto& v : r.versions) {
        w.StartObject();
        json::put(w, "code", v.code);
        json::put_or_null(w, "name", v.name);
        w.EndObject();
    }
    w.EndArray();
    json::key(w, "target");
    if (r.target.version) {
        w.StartObject();
        json::put(w, "code", r.target.version->code);
        json::put_or_null(w, "name", r.target.version->name);
        json::put(w, "chosen", r.target.how);
        w.EndObject();
    } else {
        w.Null();
    }
    json::key(w, "checks");
    w.StartArray();
    for (const auto& c : r.checks) {
        w.StartObject();
        json::put(w, "name", c.name);
        json::put(w, "result", c.result);
        json::put(w, "detail", c.detail);
        w.EndObject();
    }
    w.EndArray();
    json::put(w, "verdict", r.verdict);
    json::key(w, "reasons");
    w.StartArray();
    for (const auto& why : r.reasons)
        json::string(w, why);
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace sesmon::cli
