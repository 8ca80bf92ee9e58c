#include "notify/message_text.hpp"

#include <cctype>

#include "common/time_format.hpp"
#include "monitor/summary.hpp"
#include "notify/catalogue.hpp"
#include "notify/event_text.hpp"

namespace sesmon::notify {

std::string progress_text(const catalogue& c, const event& e) {
    if (!e.upgrade || e.type == event_type::monitor_blind ||
        e.type == event_type::monitor_recovered || e.type == event_type::monitor_degraded) {
        return {};
    }
    const std::string versions = e.upgrade->from_version + " \u2192 " + e.upgrade->to_version;
    return fill(c.progress, {{"versions", versions},
                             {"done", std::to_string(e.upgrade->nodes_complete)},
                             {"total", std::to_string(e.upgrade->nodes_total)}});
}

namespace {

std::string seconds_text(const catalogue& c, long long seconds) {
    return c.duration_text(std::chrono::seconds(seconds));
}

std::string_view stall_template(const catalogue& c, const event& e) {
    if (e.stall && e.stall->reason == "node_stage_timeout" && e.node)
        return c.stalled_stage;
    if (e.stall && e.stall->reason == "slower_than_peers" && e.node)
        return c.stalled_slow;
    return c.stalled_no_progress;
}

std::string_view blind_template(const catalogue& c, const event& e, bool known_span) {
    const bool error = e.error && !e.error->empty();
    if (e.type == event_type::monitor_recovered)
        return known_span ? c.recovered : c.recovered_since;
    if (known_span)
        return error ? c.blind_error : c.blind;
    return error ? c.blind_since_error : c.blind_since;
}

std::string_view summary_template(const catalogue& c, const event& e, bool known_span) {
    switch (e.type) {
        case event_type::upgrade_started:
            return c.started;
        case event_type::node_changed:
            if (!e.node)
                return c.node_unknown;
            return e.node->previous_status.empty() ? c.node_appeared : c.node_changed;
        case event_type::upgrade_finished:
            return e.upgrade && e.upgrade->started_at && e.upgrade->finished_at ? c.finished_in
                                                                                : c.finished;
        case event_type::upgrade_failed:
            return c.failed;
        case event_type::upgrade_stalled:
            return stall_template(c, e);
        case event_type::stall_cleared:
            return c.stall_cleared;
        case event_type::upgrade_vanished:
            return c.vanished;
        case event_type::monitor_blind:
        case event_type::monitor_recovered:
            return blind_template(c, e, known_span);
        case event_type::monitor_degraded:
            return e.error && !e.error->empty() ? c.degraded : c.degraded_plain;
        case event_type::upgrade_unplanned:
            return c.unplanned;
        case event_type::cluster_health_red:
            return c.health_red;
        case event_type::cluster_health_cleared:
            return c.health_cleared;
        case event_type::recovery_stuck:
            return c.recovery_stuck;
    }
    return c.started;
}

std::string summary_of(const catalogue& c, const event& e) {
    if (!e.digest.empty())
        return e.summary;  // make_digest wrote it in the notifier's language
    const auto span = unobserved_for(e);
    const long long stalled = e.stall ? e.stall->stalled_for_seconds : 0;
    std::string for_text;
    if (e.type == event_type::monitor_blind || e.type == event_type::monitor_recovered) {
        for_text = span ? c.duration_text(*span) : std::string();
    } else {
        for_text = seconds_text(c, stalled);
    }
    std::string took;
    if (e.upgrade && e.upgrade->started_at && e.upgrade->finished_at)
        took = c.duration_text(*e.upgrade->finished_at - *e.upgrade->started_at);
    const std::string node = e.node ? e.node->hostname : "?";
    const std::string status = e.node ? e.node->status : "?";
    return fill(summary_template(c, e, span.has_value()),
                {{"cluster", e.cluster.name},
                 {"node", node},
                 {"status", status},
                 {"previous", e.node ? e.node->previous_status : std::string()},
                 {"for", for_text},
                 {"median", e.stall ? seconds_text(c, e.stall->peer_median_seconds) : ""},
                 {"took", took},
                 {"error", e.error ? *e.error : std::string()},
                 {"progress", progress_text(c, e)},
                 {"health", e.stall && e.stall->cluster && !e.stall->cluster->health.empty()
                                ? e.stall->cluster->health
                                : std::string("?")}}) +
           (e.stall && e.stall->cluster
                ? "; " + monitor::describe_insight(*e.stall->cluster, node == "?" ? "" : node)
                : std::string());
}

std::vector<message_fact> facts_of(const catalogue& c, const event& e, const text_options& o) {
    std::vector<message_fact> facts;
    std::string cluster = e.cluster.name;
    if (!e.cluster.instance_no.empty()) {
        cluster += " (" + e.cluster.instance_no +
                   (e.cluster.region.empty() ? "" : ", " + e.cluster.region) + ")";
    }
    facts.push_back({fact_kind::cluster, std::string(c.cluster_label), cluster});
    if (auto versions = version_text(e); !versions.empty())
        facts.push_back({fact_kind::versions, std::string(c.versions_label), versions});
    if (e.upgrade) {
        facts.push_back(
            {fact_kind::progress, std::string(c.progress_label),
             fill(c.progress_value, {{"done", std::to_string(e.upgrade->nodes_complete)},
                                     {"total", std::to_string(e.upgrade->nodes_total)}})});
        if (e.upgrade->expected_finish) {
            facts.push_back({fact_kind::expected_finish, std::string(c.expected_finish_label),
                             c.time_text(*e.upgrade->expected_finish, o.time_zone)});
        }
    }
    if (e.node) {
        std::string node = e.node->hostname;
        if (!e.node->role.empty())
            node += " (" + e.node->role + ")";
        facts.push_back({fact_kind::node, std::string(c.node_label), node});
        facts.push_back({fact_kind::status, std::string(c.status_label),
                         e.node->previous_status.empty()
                             ? e.node->status
                             : fill(c.status_was, {{"status", e.node->status},
                                                   {"previous", e.node->previous_status}})});
    }
    if (e.type == event_type::upgrade_stalled || e.type == event_type::stall_cleared ||
        e.type == event_type::recovery_stuck) {
        if (auto stuck = stuck_for(e))
            facts.push_back(
                {fact_kind::stuck_for, std::string(c.stuck_for_label), c.duration_text(*stuck)});
    }
    if (e.error && !e.error->empty())
        facts.push_back({fact_kind::error, std::string(c.error_label), *e.error});
    return facts;
}

// The duration after `prefix` in `text`, up to the first character that cannot be part of
// one (format_duration writes digits and the letters d h m s).
std::optional<duration> duration_after(std::string_view text, std::string_view prefix) {
    const auto at = text.find(prefix);
    if (at == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = text.substr(at + prefix.size());
    std::size_t end = 0;
    while (end < rest.size() &&
           (std::isdigit(static_cast<unsigned char>(rest[end])) != 0 ||
            std::string_view("dhms").find(rest[end]) != std::string_view::npos)) {
        ++end;
    }
    return common::parse_duration(rest.substr(0, end));
}

}  // namespace

std::optional<duration> unobserved_for(const event& e) {
    if (e.type == event_type::monitor_blind)
        return duration_after(e.summary, ": no successful poll for ");
    if (e.type == event_type::monitor_recovered)
        return duration_after(e.summary, ": polling works again after ");
    return std::nullopt;
}

message_text render_message(const event& e, const text_options& options) {
    const catalogue& c = catalogue_for(options.language);
    message_text m;
    m.title = std::string(c.titles[static_cast<int>(e.type)]);
    m.summary = summary_of(c, e);
    m.facts = facts_of(c, e, options);
    m.occurred_label = std::string(c.occurred_label);
    m.occurred = c.time_text(e.occurred_at, options.time_zone);
    m.event_ref = std::string(c.event_label) + " " + e.id.substr(0, 12);
    return m;
}

std::string localized_summary(const event& e, const text_options& options) {
    if (options.language == message_language::en)
        return e.summary;
    return summary_of(catalogue_for(options.language), e);
}

event with_localized_summary(const event& e, const text_options& options) {
    event out = e;
    out.summary = localized_summary(e, options);
    return out;
}

std::string dashboard_link(const std::string& dashboard_url, const event& e) {
    if (dashboard_url.empty())
        return {};
    std::string base = dashboard_url;
    // The view is a fragment of the dashboard's page: drop a trailing fragment the operator
    // wrote, keep the path.
    if (const auto hash = base.find('#'); hash != std::string::npos)
        base.resize(hash);
    if (base.find('/', base.find("://") + 3) == std::string::npos)
        base += '/';
    return base + "#cluster/" + e.cluster.name;
}

}  // namespace sesmon::notify
