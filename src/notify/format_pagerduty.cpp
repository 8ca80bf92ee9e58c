#include "notify/format_pagerduty.hpp"

#include <rapidjson/document.h>

#include "common/json_writer.hpp"
#include "common/time_format.hpp"
#include "notify/format_generic.hpp"

namespace sesmon::notify {

namespace json = common::json;

std::vector<pagerduty_step> pagerduty_steps(event_type type) {
    using incident = pagerduty_incident;
    switch (type) {
        case event_type::upgrade_stalled:
            return {{"trigger", incident::stall}};
        case event_type::upgrade_failed:
            return {{"trigger", incident::failure}};
        case event_type::monitor_blind:
            return {{"trigger", incident::blind}};
        case event_type::stall_cleared:
            return {{"resolve", incident::stall}};
        case event_type::monitor_recovered:
            return {{"resolve", incident::blind}};
        case event_type::monitor_degraded:
            return {{"trigger", incident::degraded}};
        case event_type::cluster_health_red:
            return {{"trigger", incident::red}};
        case event_type::cluster_health_cleared:
            return {{"resolve", incident::red}};
        case event_type::recovery_stuck:
            return {{"trigger", incident::recovery}};
        case event_type::upgrade_finished:
        case event_type::upgrade_vanished:
            return {{"resolve", incident::stall},
                    {"resolve", incident::failure},
                    {"resolve", incident::recovery}};
        case event_type::upgrade_started:
        case event_type::node_changed:
        case event_type::upgrade_unplanned:  // nothing to open and later resolve
            return {};
    }
    return {};
}

namespace {

std::string_view incident_name(pagerduty_incident incident) {
    switch (incident) {
        case pagerduty_incident::stall:
            return "stall";
        case pagerduty_incident::failure:
            return "failure";
        case pagerduty_incident::blind:
            return "blind";
        case pagerduty_incident::red:
            return "red";
        case pagerduty_incident::recovery:
            return "recovery";
        case pagerduty_incident::degraded:
            return "degraded";
    }
    return "stall";
}

}  // namespace

std::string pagerduty_dedup_key(const event& e, pagerduty_incident incident) {
    // instance_no is stable across renames of the cluster's label; fall back to the label.
    const std::string cluster =
        "ses-upgrade-monitor/" +
        (e.cluster.instance_no.empty() ? e.cluster.name : e.cluster.instance_no);
    if (incident == pagerduty_incident::blind) {
        return cluster + "/blind";
    }
    if (incident == pagerduty_incident::degraded) {
        return cluster + "/degraded";  // one incident per group: resolved by a person
    }
    const std::string upgrade =
        e.upgrade ? e.upgrade->action_date + "/" + e.upgrade->to_version : "upgrade";
    return cluster + "/" + upgrade + "/" + std::string(incident_name(incident));
}

namespace {

std::string_view severity(pagerduty_incident incident) {
    switch (incident) {
        case pagerduty_incident::failure:
        case pagerduty_incident::red:
            return "critical";
        case pagerduty_incident::stall:
        case pagerduty_incident::recovery:
            return "error";
        case pagerduty_incident::blind:
            return "warning";
        case pagerduty_incident::degraded:
            return "critical";
    }
    return "warning";
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

std::string message(const event& e, std::string_view routing_key, const pagerduty_step& step) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "routing_key", routing_key);
    json::put(w, "event_action", step.action);
    json::put(w, "dedup_key", pagerduty_dedup_key(e, step.incident));
    if (step.action == "trigger") {
        json::key(w, "payload");
        w.StartObject();
        // PagerDuty truncates summaries at 1024 characters.
        json::put(w, "summary", e.summary.substr(0, 1024));
        json::put(w, "source", e.cluster.name);
        json::put(w, "severity", severity(step.incident));
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

}  // namespace

std::vector<std::string> format_pagerduty(const event& e, std::string_view routing_key) {
    std::vector<std::string> bodies;
    for (const pagerduty_step& step : pagerduty_steps(e.type)) {
        bodies.push_back(message(e, routing_key, step));
    }
    return bodies;
}

}  // namespace sesmon::notify
