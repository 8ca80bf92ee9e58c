#include "cli/deliveries_view.hpp"

#include "common/json_writer.hpp"
#include "common/text_table.hpp"
#include "common/time_format.hpp"

namespace sesmon::cli {
namespace json = common::json;

namespace {

std::string time_text(const std::optional<wall_time>& t) {
    return t ? common::format_rfc3339_utc(*t) : "-";
}

std::string or_dash(const std::string& s) {
    return s.empty() ? "-" : s;
}

}  // namespace

std::string deliveries_table(const std::vector<state::delivery_record>& rows) {
    if (rows.empty())
        return "no deliveries\n";
    std::vector<std::vector<std::string>> cells;
    for (const auto& r : rows) {
        const event& e = r.event;
        cells.push_back({r.notifier, std::string(to_string(r.status)), e.cluster.name,
                         std::string(to_string(e.type)), e.node ? e.node->hostname : "-",
                         std::to_string(r.attempts), time_text(r.next_attempt),
                         or_dash(r.last_error), common::format_rfc3339_utc(e.occurred_at)});
    }
    return common::render_table({"NOTIFIER", "STATUS", "CLUSTER", "EVENT", "NODE", "ATTEMPTS",
                                 "NEXT ATTEMPT", "LAST ERROR", "OCCURRED"},
                                cells);
}

std::string deliveries_json(const std::vector<state::delivery_record>& rows) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "deliveries");
    w.StartArray();
    for (const auto& r : rows) {
        const event& e = r.event;
        w.StartObject();
        json::put(w, "notifier", r.notifier);
        json::put(w, "status", to_string(r.status));
        json::key(w, "attempts");
        w.Int(r.attempts);
        json::put_time(w, "next_attempt", r.next_attempt);
        json::put_or_null(w, "last_error", r.last_error);
        json::put_time(w, "updated_at", std::optional<wall_time>(r.updated_at));
        json::key(w, "event");
        w.StartObject();
        json::put(w, "id", e.id);
        json::put(w, "type", to_string(e.type));
        json::put(w, "cluster", e.cluster.name);
        json::put(w, "instance_no", e.cluster.instance_no);
        json::put_or_null(w, "node", e.node ? e.node->hostname : "");
        json::put_or_null(w, "status", e.node ? e.node->status : "");
        json::put_time(w, "occurred_at", std::optional<wall_time>(e.occurred_at));
        json::put(w, "summary", e.summary);
        w.EndObject();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace sesmon::cli
