#include "config/summary.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "common/time_format.hpp"
#include "common/url.hpp"
#include "config/context.hpp"

namespace sesmon::config_file {
namespace {

using common::format_duration;

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::string zone(std::chrono::seconds offset) {
    const long long total = offset.count();
    const long long magnitude = total < 0 ? -total : total;
    char text[48];
    std::snprintf(text, sizeof text, "%c%02lld:%02lld", total < 0 ? '-' : '+', magnitude / 3600,
                  magnitude % 3600 / 60);
    return text;
}

// "stall after 45m in one stage or 60m without progress; blind after 10m"; a check set to
// 0s is off and says so.
std::string stall_checks(const stall_config& stall) {
    std::string line;
    if (stall.node_stage_timeout.count() > 0) {
        line = format_duration(stall.node_stage_timeout) + " in one stage";
    }
    if (stall.no_progress_timeout.count() > 0) {
        line += (line.empty() ? "" : " or ") + format_duration(stall.no_progress_timeout) +
                " without progress";
    }
    line = line.empty() ? "stall checks off" : "stall after " + line;
    return line + (stall.blind_timeout.count() > 0
                       ? "; blind after " + format_duration(stall.blind_timeout)
                       : "; blind check off");
}

std::string events(const std::vector<event_type>& list) {
    if (list.size() == std::size(all_event_types)) {
        return "all";
    }
    if (list.size() + 1 == std::size(all_event_types) &&
        std::find(list.begin(), list.end(), event_type::node_changed) == list.end()) {
        return "all but node_changed";
    }
    std::vector<std::string> names;
    for (const event_type e : list) {
        names.emplace_back(to_string(e));
    }
    return join(names);
}

std::string_view format_name(webhook_format format) {
    switch (format) {
        case webhook_format::generic:
            return "generic";
        case webhook_format::slack:
            return "slack";
        case webhook_format::pagerduty:
            return "pagerduty";
    }
    return "generic";
}

std::string_view level_name(log_level level) {
    switch (level) {
        case log_level::trace:
            return "trace";
        case log_level::debug:
            return "debug";
        case log_level::info:
            return "info";
        case log_level::warn:
            return "warn";
        case log_level::error:
            return "error";
    }
    return "info";
}

std::string_view language_name(message_language language) {
    switch (language) {
        case message_language::en:
            return "English";
        case message_language::ko:
            return "Korean";
        case message_language::ja:
            return "Japanese";
    }
    return "English";
}

std::string origin_of(const std::string& url) {
    const auto parsed = common::parse_url(url);
    return parsed ? parsed->origin() : std::string("(invalid URL)");
}

// naver_works, teams, ncp_mail, smtp, ncp_sms: where to, and where each secret came from.
void write_service_notifier(std::ostream& out, const notifier_config& n) {
    out << notifier_type_name(n.type) << ", ";
    switch (n.type) {
        case notifier_type::naver_works:
            out << "bot " << n.works.bot_id << " to "
                << (n.works.channel_id.empty() ? "user " + n.works.user_id
                                               : "channel " + n.works.channel_id)
                << " at " << origin_of(n.works.api_url) << ", timeout "
                << format_duration(n.timeout) << "\n    token from " << origin_of(n.works.token_url)
                << " for client " << n.works.client_id << " as " << n.works.service_account
                << "\n    client secret: " << n.works.client_secret.origin()
                << "\n    private key: " << n.works.private_key.origin() << "\n";
            break;
        case notifier_type::teams:
            out << "to " << origin_of(n.url.reveal()) << " (URL from " << n.url.origin()
                << "), timeout " << format_duration(n.timeout) << "\n";
            break;
        case notifier_type::ncp_mail:
        case notifier_type::ncp_sms:
            out << (n.type == notifier_type::ncp_sms ? "from " + n.sens.from
                                                     : "from " + n.sens.sender_address)
                << " to " << n.recipients.size() << " recipient(s) through "
                << origin_of(n.sens.endpoint)
                << (n.sens.service_id.empty() ? "" : ", service " + n.sens.service_id)
                << ", timeout " << format_duration(n.timeout)
                << "\n    keys: " << n.sens.access_key.origin() << ", "
                << n.sens.secret_key.origin() << "\n";
            break;
        case notifier_type::smtp:
            out << n.smtp.host << ":" << n.smtp.port << " ("
                << (n.smtp.security == smtp_security::starttls ? "STARTTLS"
                    : n.smtp.security == smtp_security::tls    ? "TLS"
                                                               : "no TLS")
                << "), from " << n.smtp.from << " to " << n.recipients.size()
                << " recipient(s), timeout " << format_duration(n.timeout) << "\n";
            if (n.smtp.password) {
                out << "    login " << n.smtp.username
                    << ", password: " << n.smtp.password->origin() << "\n";
            }
            break;
        default:
            out << "\n";
            break;
    }
    if (!n.dashboard_url.empty())
        out << "    links to the dashboard at " << origin_of(n.dashboard_url) << "\n";
    if (!n.ca_file.empty())
        out << "    extra CA file: " << n.ca_file << "\n";
}

void write_notifier(std::ostream& out, const notifier_config& n) {
    out << "  " << n.name << ": ";
    switch (n.type) {
        case notifier_type::log:
            out << "log\n";
            break;
        case notifier_type::command:
            out << "command " << n.argv.front() << " (" << n.argv.size() - 1
                << " arguments), timeout " << format_duration(n.timeout) << "\n";
            break;
        case notifier_type::webhook: {
            const auto url = common::parse_url(n.url.reveal());
            out << "webhook, format " << format_name(n.format) << ", to "
                << (url ? url->origin() : std::string("(invalid URL)")) << " (URL from "
                << n.url.origin() << "), timeout " << format_duration(n.timeout) << "\n";
            if (n.signing_secret) {
                out << "    signing secret: " << n.signing_secret->origin() << "\n";
            }
            if (n.routing_key) {
                out << "    routing key: " << n.routing_key->origin() << "\n";
            }
            if (!n.headers.empty()) {
                std::vector<std::string> names;
                for (const auto& header : n.headers) {
                    names.push_back(header.first);
                }
                out << "    extra headers: " << join(names) << " (values not shown)\n";
            }
            if (!n.ca_file.empty()) {
                out << "    extra CA file: " << n.ca_file << "\n";
            }
            break;
        }
        default:
            write_service_notifier(out, n);
            break;
    }
    // (Said for the types that exist for people, and wherever the language is not the
    // default, so that the summaries of earlier configurations stay as they were.)
    if (n.type != notifier_type::log &&
        (n.language != message_language::en || n.type > notifier_type::command)) {
        out << "    " << language_name(n.language) << " texts, times in " << n.time_zone.name
            << " (" << n.time_zone.abbreviation << ")\n";
    }
    out << "    events: " << events(n.events) << "\n";
    if (n.digest.count() > 0)
        out << "    digest: every " << format_duration(n.digest) << ", folding "
            << events(n.digest_events) << "\n";
    if (n.type != notifier_type::log) {
        out << "    retry: backoff " << format_duration(n.retry.initial_backoff) << " to "
            << format_duration(n.retry.max_backoff) << ", give up after "
            << format_duration(n.retry.max_age) << "\n";
    }
}

void write_ha(std::ostream& out, const std::optional<ha_config>& ha) {
    if (!ha) {
        out << "ha: off (this daemon alone polls and alerts)\n";
        return;
    }
    out << "ha: member " << ha->member << " of group " << ha->prefix << ", lease "
        << format_duration(ha->lease_ttl) << "\n";
    out << "  etcd: " << join(ha->endpoints) << "\n";
    if (!ha->ca_file.empty())
        out << "    extra CA file: " << ha->ca_file << "\n";
    if (!ha->cert_file.empty())
        out << "    client certificate: " << ha->cert_file << ", key " << ha->key_file << "\n";
    if (!ha->username.empty())
        out << "    user " << ha->username << ", password from " << ha->password->origin() << "\n";
}

// The polling and stall lines of a cluster (or of discovery.defaults).
void write_schedule(std::ostream& out, const polling_config& p, const stall_config& st) {
    out << "    polling every " << format_duration(p.interval) << " (idle "
        << format_duration(p.idle_interval) << ", jitter " << number(p.jitter)
        << ", error backoff up to " << format_duration(p.max_backoff) << ")\n";
    out << "    " << stall_checks(st) << "\n";
    out << "    slower than peers: "
        << (st.adaptive_factor > 0
                ? number(st.adaptive_factor) + " x their median stage time, at least " +
                      format_duration(st.adaptive_min)
                : std::string("off"))
        << "\n";
}

// The cluster's own view (SPEC §16): where, who, how often. Never the password.
void write_opensearch(std::ostream& out, const std::optional<opensearch_config>& o,
                      const stall_config& st) {
    if (!o)
        return;
    out << "    opensearch view: "
        << (o->from_api ? std::string("addresses from the API")
                        : common::parse_url(o->url)->origin())
        << ", user "
        << (o->username.empty() ? std::string(o->from_api ? "(from the API)" : "(none)")
                                : o->username)
        << (o->password ? ", password from " + o->password->origin() : std::string())
        << (o->ca_file.empty() ? std::string() : ", extra CA file " + o->ca_file) << ", every "
        << format_duration(o->interval) << " in an upgrade; recoveries stuck after "
        << (st.recovery_timeout.count() > 0 ? format_duration(st.recovery_timeout)
                                            : std::string("(off)"))
        << "\n";
}

std::string notify_list(const std::vector<std::string>& notify) {
    return notify.empty() ? std::string("(none)") : join(notify);
}

void write_discovery(std::ostream& out, const discovery_config& d) {
    if (!d.enabled) {
        out << "discovery: off\n";
        return;
    }
    out << "discovery: on, regions " << join(d.regions) << ", every " << format_duration(d.interval)
        << "\n";
    out << "  include " << (d.include.empty() ? std::string("(every cluster)") : d.include)
        << ", exclude " << (d.exclude.empty() ? std::string("(none)") : d.exclude) << "\n";
    out << "  discovered clusters: notify " << notify_list(d.notify) << "\n";
    if (!d.labels.empty())
        out << "  discovered clusters: labels " << d.labels.to_text() << "\n";
    write_schedule(out, d.polling, d.stall);
    write_opensearch(out, d.opensearch, d.stall);
}

// SPEC §14: alertmanager, maintenance, routes.
void write_quiet(std::ostream& out, const sesmon::config& cfg) {
    if (!cfg.alertmanager) {
        out << "alertmanager: off (no silences during upgrades)\n";
    } else {
        const alertmanager_config& am = *cfg.alertmanager;
        std::vector<std::string> matchers;
        for (const matcher_template& m : am.matchers)
            matchers.push_back(m.source);
        out << "alertmanager: " << am.url << ", silences until the expected finish + "
            << format_duration(am.margin) << ", createdBy " << am.created_by << "\n";
        out << "  matchers: " << join(matchers) << "\n";
        if (am.token)
            out << "  bearer token: " << am.token->origin() << "\n";
        if (!am.ca_file.empty())
            out << "  extra CA file: " << am.ca_file << "\n";
    }
    out << "maintenance windows (" << cfg.maintenance.size() << ")"
        << (cfg.maintenance.empty() ? ": none (no upgrade is unplanned)" : ":") << "\n";
    for (const maintenance_window& w : cfg.maintenance) {
        std::vector<std::string> spans;
        for (const weekly_span& span : w.weekly)
            spans.push_back(span.source);
        out << "  " << w.name << ": "
            << (!w.labels.empty()     ? "clusters with " + w.labels.to_text()
                : !w.clusters.empty() ? "clusters " + join(w.clusters)
                                      : std::string("every cluster"))
            << ", " << join(spans) << " (" << w.time_zone << ")\n";
    }
    if (cfg.routes.empty()) {
        out << "routes: none (every notifier gets what its events say)\n";
        return;
    }
    out << "routes (" << cfg.routes.size() << ", the first match wins unless continue):\n";
    for (std::size_t i = 0; i < cfg.routes.size(); ++i) {
        const route_config& r = cfg.routes[i];
        std::vector<std::string> match;
        if (!r.labels.empty())
            match.push_back("labels " + r.labels.to_text());
        if (!r.clusters.empty())
            match.push_back("clusters " + join(r.clusters));
        if (!r.events.empty())
            match.push_back("events " + events(r.events));
        if (!r.severities.empty()) {
            std::vector<std::string> names;
            for (const severity sv : r.severities)
                names.emplace_back(to_string(sv));
            match.push_back("severity " + join(names));
        }
        out << "  " << i + 1 << ". " << (match.empty() ? std::string("any event") : join(match))
            << " -> " << join(r.notifiers) << (r.continue_matching ? ", continue" : "") << "\n";
    }
}

}  // namespace

std::string summarize(const sesmon::config& cfg) {
    std::ostringstream out;
    const api_config& api = cfg.api;
    out << "configuration " << cfg.source_path << ": valid\n";
    out << "api: site " << to_string(api.site) << ", region " << api.region << ", endpoint "
        << (api.endpoint.empty() ? std::string("(the site's default)") : api.endpoint) << "\n";
    out << "  access key: " << api.access_key.origin() << "\n";
    out << "  secret key: " << api.secret_key.origin() << "\n";
    if (!api.ca_file.empty()) {
        out << "  extra CA file: " << api.ca_file << "\n";
    }
    out << "  timeout " << format_duration(api.timeout) << ", at most " << api.max_in_flight
        << " requests in flight and " << number(api.max_requests_per_second)
        << " per second, API dates at " << zone(api.time_zone_offset) << "\n";

    out << "clusters (" << cfg.clusters.size() << "):\n";
    for (const cluster_config& c : cfg.clusters) {
        out << "  " << c.name << ": instance " << c.instance_no << ", region " << c.region
            << ", notify " << notify_list(c.notify) << "\n";
        if (!c.labels.empty())
            out << "    labels " << c.labels.to_text() << "\n";
        write_schedule(out, c.polling, c.stall);
        write_opensearch(out, c.opensearch, c.stall);
    }
    write_discovery(out, cfg.discovery);
    out << "notifiers (" << cfg.notifiers.size() << "):\n";
    for (const notifier_config& n : cfg.notifiers) {
        write_notifier(out, n);
    }
    out << "state directory: " << cfg.state.directory << "\n";
    out << "eta: " << format_duration(cfg.eta.node_prior)
        << " per node until this upgrade or the cluster's history says better\n";
    if (cfg.server.listen.empty()) {
        out << "server: off\n";
    } else {
        out << "server: listen " << cfg.server.listen << ", "
            << (cfg.server.auth_token ? "bearer token from " + cfg.server.auth_token->origin()
                                      : std::string("no authentication"))
            << "\n";
    }
    out << "logging: level " << level_name(cfg.logging.level) << ", format "
        << (cfg.logging.format == log_format::json ? "json" : "text") << "\n";
    write_ha(out, cfg.ha);
    write_quiet(out, cfg);
    return out.str();
}

}  // namespace sesmon::config_file
