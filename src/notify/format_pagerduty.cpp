#include "notify/format_pagerduty.hpp"

#include <rapidjson/document.h>

#include "common/json_writer.hpp"
#include "common/time_format.hpp"
#include "notify/format_generic.hpp"

namespace sesmon::notify {

namespace json = common::json;

std::optional<std::string_view> pagerduty_action(event_type type) {
    switch (type) {
        case event_type::upgrade_stalled:
        case event_type::upgrade_failed:
        case event_type::monitor_blind:
            return "trigger";
        case event_type::stall_cleared:
        case event_type::upgrade_finished:
        case event_type::monitor_recovered:
            return "resolve";
        case event_type::upgrade_started:
        case event_type::node_changed:
        case event_type::upgrade_vanished:
            return std::nullopt;
    }
    return std::nullopt;
}

std::string pagerduty_dedup_key(const event& e) {
    // instance_no is stable across renames of the cluster's label; fall back to the label.
    std::string key = "ses-upgrade-monitor/" +
                      (e.cluster.instance_no.empty() ? e.cluster.name : e.cluster.instance_no);
    if (e.type == event_type::monitor_blind || e.type == event_type::monitor_recovered) {
        return key + "/blind";
    }
    if (!e.upgrade) {
        return key + "/upgrade";
    }
    return key + "/" + e.upgrade->action_date + "/" + e.upgrade->to_version;
}

namespace {

std::string_view severity(event_type type) {
    switch (type) {
        case event_type::upgrade_failed:
            return "critical";
        case event_type::upgrade_stalled:
            return "error";
        default:
            return "warning";
    }
}

// custom_details: the generic body's parts, so responders see everything in PagerDuty.
void custom_details(json::writer& w, const event& e) {
    rapidjson::Document generic;
    const std::string body = format_generic(e);
    generic.Parse(body.data(), body.size());
    w.StartObject();
    for (const char* name : {"id", "type", "cluster", "upgrade", "node", "stall", "error"}) {
        auto it = generic.FindMember(name);
        if (it != generic.MemberEnd() && !it->value.IsNull()) {
            json::key(w, name == std::string_view("id") ? "event_id" : name);
            it->value.Accept(w);
        }
    }
    w.EndObject();
}

}  // namespace

std::string format_pagerduty(const event& e, std::string_view routing_key) {
    const auto action = pagerduty_action(e.type).value_or("trigger");
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "routing_key", routing_key);
    json::put(w, "event_action", action);
    json::put(w, "dedup_key", pagerduty_dedup_key(e));
    if (action == "trigger") {
        json::key(w, "payload");
        w.StartObject();
        // PagerDuty truncates summaries at 1024 characters.
        json::put(w, "summary", e.summary.substr(0, 1024));
        json::put(w, "source", e.cluster.name);
        json::put(w, "severity", severity(e.type));
        json::put(w, "timestamp", common::format_rfc3339_utc(e.occurred_at));
        if (e.node) {
            json::put(w, "component", e.node->hostname);
        }
        json::put(w, "group", "ses-upgrade-monitor");
        json::put(w, "class", to_string(e.type));
        json::key(w, "custom_details");
        custom_details(w, e);
        w.EndObject();
    }
    w.EndObject();
    return json::text(buffer);
}

}  // namespace sesmon::notify
