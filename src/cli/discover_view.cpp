#include "cli/discover_view.hpp"

#include <algorithm>
#include <array>

#include "common/json_writer.hpp"

namespace sesmon::cli {

namespace {

std::string verdict_text(const discovery::verdict& v) {
    if (!v.skip)
        return "watch as " + v.name;
    return "skip: " + discovery::explain(*v.skip, v.name);
}

std::size_t watched_count(const std::vector<discovery::verdict>& verdicts) {
    return static_cast<std::size_t>(
        std::count_if(verdicts.begin(), verdicts.end(), [](const auto& v) { return !v.skip; }));
}

}  // namespace

std::string discover_table(const std::vector<discovery::verdict>& verdicts) {
    using row = std::array<std::string, 5>;
    std::vector<row> rows{{"REGION", "INSTANCE", "CLUSTER NAME", "STATUS", "VERDICT"}};
    for (const auto& v : verdicts) {
        const auto& c = v.entry.cluster;
        rows.push_back({discovery::printable(v.entry.region),
                        c.instance_no.empty() ? "-" : discovery::printable(c.instance_no),
                        c.name.empty() ? "-" : discovery::printable(c.name),
                        c.status.empty() ? "-" : discovery::printable(c.status), verdict_text(v)});
    }
    std::array<std::size_t, 4> width{};
    for (const row& r : rows) {
        for (std::size_t i = 0; i < width.size(); ++i)
            width[i] = std::max(width[i], r[i].size());
    }
    std::string out;
    for (const row& r : rows) {
        for (std::size_t i = 0; i < width.size(); ++i)
            out += r[i] + std::string(width[i] - r[i].size() + 2, ' ');
        out += r.back() + "\n";
    }
    const auto watched = watched_count(verdicts);
    out += std::to_string(verdicts.size()) + " cluster(s) listed: " + std::to_string(watched) +
           " would be watched, " + std::to_string(verdicts.size() - watched) + " skipped\n";
    return out;
}

std::string discover_json(const std::vector<std::string>& regions,
                          const std::vector<discovery::verdict>& verdicts) {
    namespace json = common::json;
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "regions");
    w.StartArray();
    for (const auto& r : regions)
        json::string(w, r);
    w.EndArray();
    const auto watched = watched_count(verdicts);
    json::key(w, "watched");
    w.Uint64(watched);
    json::key(w, "skipped");
    w.Uint64(verdicts.size() - watched);
    json::key(w, "clusters");
    w.StartArray();
    for (const auto& v : verdicts) {
        const auto& c = v.entry.cluster;
        w.StartObject();
        json::put(w, "region", v.entry.region);
        json::put(w, "instance_no", c.instance_no);
        json::put(w, "cluster_name", c.name);
        json::put(w, "cluster_status", c.status);
        json::key(w, "watched");
        w.Bool(!v.skip);
        json::put_or_null(w, "name", v.name);
        json::put_or_null(w, "reason", v.skip ? discovery::to_string(*v.skip) : "");
        json::put_or_null(w, "detail", v.skip ? discovery::explain(*v.skip, v.name) : "");
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace sesmon::cli
