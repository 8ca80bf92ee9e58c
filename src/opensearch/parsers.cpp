#include "opensearch/parsers.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "common/json_reader.hpp"

namespace sesmon::opensearch {

namespace {

using value = rapidjson::Value;

using common::json::first_member;
using common::json::first_text;

// "12", "43.2%", "1.5kb", 12, 43.2 → the number (units: b, kb, mb, gb, tb, pb; 1024-based as
// OpenSearch prints them). nullopt for anything else.
std::optional<double> number(const value& object, std::initializer_list<const char*> names) {
    const value* v = first_member(object, names);
    if (v == nullptr)
        return std::nullopt;
    if (v->IsNumber())
        return v->GetDouble();
    if (!v->IsString())
        return std::nullopt;
    std::string_view s(v->GetString(), v->GetStringLength());
    double n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || !std::isfinite(n))
        return std::nullopt;
    std::string unit(end, s.data() + s.size());
    std::transform(unit.begin(), unit.end(), unit.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static constexpr std::pair<const char*, double> units[] = {
        {"", 1},
        {"%", 1},
        {"b", 1},
        {"kb", 1024.0},
        {"mb", 1024.0 * 1024},
        {"gb", 1024.0 * 1024 * 1024},
        {"tb", 1024.0 * 1024 * 1024 * 1024},
        {"pb", 1024.0 * 1024 * 1024 * 1024 * 1024}};
    for (const auto& [name, factor] : units) {
        if (unit == name)
            return n * factor;
    }
    return std::nullopt;
}

long long whole(const value& object, std::initializer_list<const char*> names) {
    const auto n = number(object, names);
    return n && *n >= 0 && *n < 9e18 ? static_cast<long long>(*n) : 0;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

bool parse_document(std::string_view body, rapidjson::Document& doc, std::string_view endpoint,
                    std::string& error) {
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if (doc.HasParseError()) {
        error = std::string(endpoint) + ": the answer is not JSON";
        return false;
    }
    return true;
}

// Calls `each` for every object of the JSON list `body` is (other entries are skipped);
// false, with an error naming the endpoint, when it is not such a list.
template <class Each>
bool each_object(std::string_view body, std::string_view endpoint, std::string& error,
                 Each&& each) {
    rapidjson::Document doc;
    if (!parse_document(body, doc, endpoint, error))
        return false;
    if (!doc.IsArray()) {
        error = std::string(endpoint) + ": expected a JSON list (format=json)";
        return false;
    }
    if (doc.Size() > max_entries) {
        error = std::string(endpoint) + ": absurd length " + std::to_string(doc.Size());
        return false;
    }
    for (const value& entry : doc.GetArray()) {
        if (entry.IsObject())
            each(entry);
    }
    return true;
}

std::optional<wall_time> epoch_seconds(const value& object, std::initializer_list<const char*> s) {
    const auto n = number(object, s);
    if (!n || *n <= 0)
        return std::nullopt;
    return wall_time(std::chrono::seconds(static_cast<long long>(*n)));
}

std::optional<wall_time> epoch_millis(const value& object, const char* name) {
    const auto n = number(object, {name});
    if (!n || *n <= 0)
        return std::nullopt;
    return wall_time(std::chrono::seconds(static_cast<long long>(*n / 1000)));
}

void add_snapshot_objects(const value& list, const std::string& repository,
                          std::vector<snapshot_entry>& out) {
    if (!list.IsArray())
        return;
    for (const value& s : list.GetArray()) {
        if (!s.IsObject() || out.size() >= max_entries)
            continue;
        snapshot_entry e;
        e.id = first_text(s, {"snapshot", "id"});
        e.repository = repository.empty() ? first_text(s, {"repository"}) : repository;
        e.status = upper(first_text(s, {"state", "status"}));
        e.start = epoch_millis(s, "start_time_in_millis");
        e.end = epoch_millis(s, "end_time_in_millis");
        out.push_back(std::move(e));
    }
}

}  // namespace

bool parse_health(std::string_view body, cluster_reading& out, std::string& error) {
    constexpr std::string_view endpoint = "_cluster/health";
    rapidjson::Document doc;
    if (!parse_document(body, doc, endpoint, error))
        return false;
    if (!doc.IsObject()) {
        error = std::string(endpoint) + ": expected a JSON object";
        return false;
    }
    const std::string status = lower(first_text(doc, {"status"}));
    if (status != "green" && status != "yellow" && status != "red") {
        error = std::string(endpoint) + ": no green/yellow/red status in the answer";
        return false;
    }
    out.health = status;
    out.number_of_nodes = static_cast<int>(whole(doc, {"number_of_nodes"}));
    out.shards.initializing = static_cast<int>(whole(doc, {"initializing_shards"}));
    out.shards.relocating = static_cast<int>(whole(doc, {"relocating_shards"}));
    out.shards.unassigned = static_cast<int>(whole(doc, {"unassigned_shards"}));
    return true;
}

bool parse_cat_nodes(std::string_view body, std::vector<opensearch_node>& out, std::string& error) {
    out.clear();
    return each_object(body, "_cat/nodes", error, [&](const value& n) {
        opensearch_node node{first_text(n, {"name", "n"}), first_text(n, {"version", "v"})};
        if (!node.name.empty())
            out.push_back(std::move(node));
    });
}

bool parse_cat_recovery(std::string_view body, std::vector<shard_recovery>& out,
                        std::string& error) {
    out.clear();
    return each_object(body, "_cat/recovery", error, [&](const value& r) {
        shard_recovery s;
        s.stage = lower(first_text(r, {"stage", "st"}));
        if (s.stage == "done")
            return;
        s.index = first_text(r, {"index", "i", "idx"});
        s.shard = first_text(r, {"shard", "s", "sh"});
        s.target_node = first_text(r, {"target_node", "tnode"});
        s.bytes_percent = std::clamp(number(r, {"bytes_percent", "bp"}).value_or(0), 0.0, 100.0);
        s.bytes_recovered = whole(r, {"bytes_recovered", "br"});
        s.bytes_total = whole(r, {"bytes_total", "tb", "bytes"});
        s.files_recovered = whole(r, {"files_recovered", "fr"});
        s.translog_ops_recovered = whole(r, {"translog_ops_recovered", "tor"});
        out.push_back(std::move(s));
    });
}

bool parse_snapshots(std::string_view body, std::vector<snapshot_entry>& out, std::string& error) {
    constexpr std::string_view endpoint = "snapshots";
    rapidjson::Document doc;
    if (!parse_document(body, doc, endpoint, error))
        return false;
    out.clear();
    if (doc.IsArray()) {  // _cat/snapshots?format=json
        return each_object(body, endpoint, error, [&](const value& s) {
            snapshot_entry e;
            e.id = first_text(s, {"id", "snapshot"});
            e.repository = first_text(s, {"repository", "re", "repo"});
            e.status = upper(first_text(s, {"status", "s"}));
            e.start = epoch_seconds(s, {"start_epoch", "ste"});
            e.end = epoch_seconds(s, {"end_epoch", "ete"});
            out.push_back(std::move(e));
        });
    }
    if (!doc.IsObject()) {
        error = std::string(endpoint) + ": expected a list or an object";
        return false;
    }
    if (const value* list =
            first_member(doc, {"snapshots"})) {  // one repository, or newer versions
        add_snapshot_objects(*list, "", out);
        return true;
    }
    if (const value* responses = first_member(doc, {"responses"});
        responses && responses->IsArray()) {
        for (const value& r : responses->GetArray()) {
            if (r.IsObject()) {
                if (const value* list = first_member(r, {"snapshots"}))
                    add_snapshot_objects(*list, first_text(r, {"repository"}), out);
            }
        }
        return true;
    }
    error = std::string(endpoint) + ": neither \"snapshots\" nor \"responses\" in the answer";
    return false;
}

std::optional<snapshot_entry> latest_successful(const std::vector<snapshot_entry>& snapshots) {
    std::optional<snapshot_entry> best;
    for (const snapshot_entry& s : snapshots) {
        if (s.status != "SUCCESS" || !s.end)
            continue;
        if (!best || *s.end > *best->end)
            best = s;
    }
    return best;
}

}  // namespace sesmon::opensearch
