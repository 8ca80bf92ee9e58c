// The notifiers section: log, webhook (generic, slack, pagerduty) and command notifiers; the
// service types (naver_works, teams, ncp_mail, ncp_sms, smtp) are in notifier_services.cpp.
#include <algorithm>
#include <array>
#include <cctype>

#include "common/crypto.hpp"
#include "common/text.hpp"
#include "config/context.hpp"

namespace sesmon::config_file {
namespace {

// PagerDuty's Events API v2: the URL when a pagerduty webhook names none.
constexpr std::string_view pagerduty_events_url = "https://events.pagerduty.com/v2/enqueue";

const std::vector<std::string_view> notifier_keys{"name",
                                                  "type",
                                                  "events",
                                                  "format",
                                                  "url",
                                                  "url_file",
                                                  "headers",
                                                  "timeout",
                                                  "retry",
                                                  "ca_file",
                                                  "argv",
                                                  "signing_secret_file",
                                                  "routing_key_file",
                                                  "language",
                                                  "time_zone",
                                                  "dashboard_url",
                                                  "to",
                                                  "bot_id",
                                                  "channel_id",
                                                  "user_id",
                                                  "client_id",
                                                  "client_secret_file",
                                                  "service_account",
                                                  "private_key_file",
                                                  "token_url",
                                                  "api_url",
                                                  "endpoint",
                                                  "service_id",
                                                  "access_key_file",
                                                  "secret_key_file",
                                                  "mail_api",
                                                  "sender_address",
                                                  "sender_name",
                                                  "from",
                                                  "country_code",
                                                  "sms_type",
                                                  "host",
                                                  "port",
                                                  "security",
                                                  "username",
                                                  "password_file",
                                                  "digest",
                                                  "digest_events"};

// Keys each type accepts besides name, type and events.
bool key_allowed(notifier_type type, std::string_view key) {
    if (key == "name" || key == "type" || key == "events" || key == "language" ||
        key == "time_zone" || key == "digest" || key == "digest_events") {
        return true;
    }
    static const std::vector<std::string_view> webhook{
        "format",          "url",   "url_file", "headers",
        "timeout",         "retry", "ca_file",  "signing_secret_file",
        "routing_key_file"};
    const auto in = [key](const std::vector<std::string_view>& keys) {
        return std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    switch (type) {
        case notifier_type::log:
            return false;
        case notifier_type::command:
            return key == "argv" || key == "timeout" || key == "retry";
        case notifier_type::webhook:
            return in(webhook);
        default:
            return in(service_notifier_keys(type));
    }
}

std::vector<event_type> default_events(notifier_type type) {
    if (type == notifier_type::ncp_sms) {
        // SMS pages: what needs someone now (SPEC §15: "typically stalls and failures").
        return {event_type::upgrade_failed, event_type::upgrade_stalled, event_type::monitor_blind};
    }
    std::vector<event_type> events;
    for (const event_type e : all_event_types) {
        // The log notifier writes every event (SPEC §3: "every event as one structured log
        // line"); the others skip the chatty node_changed unless asked for it.
        if (type == notifier_type::log || e != event_type::node_changed) {
            events.push_back(e);
        }
    }
    return events;
}

std::vector<event_type> read_events(const map_reader& m, notifier_type type) {
    auto events = read_event_types(m, "events");
    return events ? std::move(*events) : default_events(type);
}

// `digest` and `digest_events` (SPEC §14): which types are folded, and how often. Types that
// must never wait are refused: upgrade_started and upgrade_finished, and everything critical.
void read_digest(const map_reader& m, notifier_config& out) {
    if (!m.has("digest")) {
        if (m.has("digest_events"))
            m.fail_key("digest_events", "only with digest (the period, e.g. digest: 5m)");
        return;
    }
    if (m.read("digest", out.digest) && out.digest < std::chrono::seconds(1))
        m.fail("digest", "at least 1s (omit the key for no digest)");
    if (out.type == notifier_type::webhook && out.format == webhook_format::pagerduty) {
        m.fail_key("digest", "not for format pagerduty: its incidents are never folded");
        return;
    }
    auto types = read_event_types(m, "digest_events");
    out.digest_events =
        types ? std::move(*types) : std::vector<event_type>{event_type::node_changed};
    for (std::size_t i = 0; i < out.digest_events.size(); ++i) {
        const event_type t = out.digest_events[i];
        const bool never = t == event_type::upgrade_started || t == event_type::upgrade_finished ||
                           t == event_type::upgrade_failed || t == event_type::upgrade_stalled ||
                           t == event_type::monitor_blind || t == event_type::monitor_degraded ||
                           t == event_type::cluster_health_red;
        if (never) {
            m.fail("digest_events", std::string(to_string(t)) +
                                        " is never delayed: it cannot be in a digest (started, "
                                        "finished, failed, stalled, blind, degraded and "
                                        "cluster_health_red go out at once)");
        }
        // Without an `events:` of its own, a digest notifier takes what it folds too (the
        // default leaves node_changed out).
        if (!m.has("events") &&
            std::find(out.events.begin(), out.events.end(), t) == out.events.end())
            out.events.push_back(t);
    }
}

bool header_name_ok(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 ||
               std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                   std::string_view::npos;
    });
}

void read_headers(const map_reader& m, notifier_config& out) {
    const YAML::Node headers = m.value("headers");
    if (!headers.IsDefined()) {
        return;
    }
    if (!headers.IsMap()) {
        m.fail("headers", "expected a mapping of header names to values");
        return;
    }
    static constexpr std::array<std::string_view, 7> reserved{
        "host",       "content-length",    "content-type",     "transfer-encoding",
        "webhook-id", "webhook-timestamp", "webhook-signature"};
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const YAML::Node key = it->first;  // copies: the iterator yields temporaries
        const YAML::Node value_node = it->second;
        const std::string path =
            m.path("headers") + "." + (key.IsScalar() ? key.Scalar() : std::string("?"));
        if (!key.IsScalar() || !header_name_ok(key.Scalar())) {
            m.diag().add(key.Mark(), path, "not a valid HTTP header name");
            continue;
        }
        const std::string name = key.Scalar();
        if (std::find(reserved.begin(), reserved.end(), common::to_lower(name)) != reserved.end()) {
            m.diag().add(key.Mark(), path, "is set by the notifier and cannot be overridden");
            continue;
        }
        if (!value_node.IsScalar()) {
            m.diag().add(value_node.Mark(), path, "expected a string");
            continue;
        }
        const std::string value = value_node.Scalar();
        // Header values may be credentials: never echoed.
        if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            m.diag().add(value_node.Mark(), path, "must not contain line breaks or NUL");
            continue;
        }
        out.headers.emplace_back(name, value);
    }
}

void read_retry(const map_reader& m, retry_config& out) {
    const map_reader retry = m.child("retry", {"initial_backoff", "max_backoff", "max_age"});
    retry.read("initial_backoff", out.initial_backoff);
    retry.read("max_backoff", out.max_backoff);
    retry.read("max_age", out.max_age);
    if (out.max_backoff < out.initial_backoff) {
        retry.fail_here("max_backoff must not be shorter than initial_backoff");
    }
}

}  // namespace

void read_url(const load_context& ctx, const map_reader& m, notifier_config& out) {
    std::string inline_url;
    std::string url_file;
    const bool has_url = m.read("url", inline_url) && !inline_url.empty();
    const bool has_file = m.read("url_file", url_file) && !url_file.empty();
    std::string_view url_key = "url";
    if (has_url && has_file) {
        m.fail_key("url_file", "set url or url_file, not both");
    } else if (has_url) {
        out.url = secret(inline_url, "the config file");
    } else if (has_file) {
        url_key = "url_file";
        if (auto value = ctx.secret_file(m, "url_file")) {
            out.url = std::move(*value);
        }
    } else if (out.format == webhook_format::pagerduty) {
        out.url = secret(std::string(pagerduty_events_url), "the PagerDuty default");
    } else {
        m.diag().add(m.mark(), m.path("url"), "required (set url or url_file)");
    }
    if (!out.url.empty()) {
        if (auto problem = check_url(out.url.reveal()); !problem.empty()) {
            m.fail(url_key, problem);
        }
    }
}

namespace {

void read_webhook(const load_context& ctx, const map_reader& m, notifier_config& out) {
    m.read_enum<webhook_format>("format", "format",
                                {{"generic", webhook_format::generic},
                                 {"slack", webhook_format::slack},
                                 {"pagerduty", webhook_format::pagerduty}},
                                out.format);
    read_url(ctx, m, out);
    // An empty path ("") means "not set", as in the SPEC's example.
    const auto set = [&](std::string_view key) {
        std::string path;
        return m.read(key, path) && !path.empty();
    };
    if (out.format != webhook_format::generic && set("signing_secret_file")) {
        m.fail_key("signing_secret_file", "only for format generic");
    } else if (auto value = ctx.secret_file(m, "signing_secret_file")) {
        if (!common::webhook_signing_key(value->reveal())) {
            // Names the file, never the value.
            m.fail("signing_secret_file",
                   "the secret (" + value->origin() +
                       ") starts with whsec_ but the rest is not Base64: whsec_ means the key "
                       "is the Base64 decoding of what follows");
        }
        out.signing_secret = std::move(*value);
    }
    if (out.format == webhook_format::pagerduty) {
        if (!set("routing_key_file")) {
            m.diag().add(m.mark(), m.path("routing_key_file"), "required for format pagerduty");
        } else if (auto value = ctx.secret_file(m, "routing_key_file")) {
            out.routing_key = std::move(*value);
        }
    } else if (set("routing_key_file")) {
        m.fail_key("routing_key_file", "only for format pagerduty");
    }
    read_headers(m, out);
    out.ca_file = ctx.ca_file(m, "ca_file");
}

void read_command(const map_reader& m, notifier_config& out) {
    out.timeout = 30s;
    const auto argv = m.read_strings("argv");
    if (!argv) {
        if (!m.has("argv")) {
            m.diag().add(m.mark(), m.path("argv"), "required for type command");
        }
        return;
    }
    if (argv->empty()) {
        m.fail("argv", "must name at least the program");
        return;
    }
    if (argv->front().text.empty() || argv->front().text.front() != '/') {
        m.diag().add(argv->front().mark, argv->front().path,
                     "the program must be an absolute path (no shell, no PATH lookup)");
    }
    for (const located_string& arg : *argv) {
        out.argv.push_back(arg.text);
    }
}

notifier_config read_notifier(const load_context& ctx, const map_reader& m, const api_config& api) {
    notifier_config out;
    if (!m.read("name", out.name)) {
        if (!m.has("name")) {
            m.diag().add(m.mark(), m.path("name"), "required");
        }
    } else if (!valid_label(out.name)) {
        m.fail("name", std::string(label_rule));
    }
    if (!m.read_enum<notifier_type>("type", "type",
                                    {{"log", notifier_type::log},
                                     {"webhook", notifier_type::webhook},
                                     {"command", notifier_type::command},
                                     {"naver_works", notifier_type::naver_works},
                                     {"teams", notifier_type::teams},
                                     {"ncp_mail", notifier_type::ncp_mail},
                                     {"smtp", notifier_type::smtp},
                                     {"ncp_sms", notifier_type::ncp_sms}},
                                    out.type)) {
        if (!m.has("type")) {
            m.diag().add(m.mark(), m.path("type"),
                         "required (log, webhook, command, naver_works, teams, ncp_mail, smtp "
                         "or ncp_sms)");
        }
        return out;
    }
    for (const std::string& key : m.keys()) {
        if (!key_allowed(out.type, key)) {
            m.fail_key(key, "not used by type " + std::string(notifier_type_name(out.type)));
        }
    }
    out.events = read_events(m, out.type);
    out.events_given = m.has("events");
    read_message_options(m, api, out);
    if (out.type == notifier_type::webhook) {
        read_webhook(ctx, m, out);
    } else if (out.type == notifier_type::command) {
        read_command(m, out);
    } else if (out.type != notifier_type::log) {
        read_service_notifier(ctx, m, api, out);
    }
    if (out.type != notifier_type::log) {
        m.read("timeout", out.timeout);
        read_retry(m, out.retry);
    }
    read_digest(m, out);
    return out;
}

}  // namespace

std::optional<std::vector<event_type>> read_event_types(const map_reader& m, std::string_view key) {
    const auto listed = m.read_strings(key);
    if (!listed) {
        return std::nullopt;
    }
    if (listed->empty()) {
        m.fail(key, "must list at least one event (omit the key for the default)");
    }
    std::vector<event_type> events;
    for (const located_string& item : *listed) {
        const auto parsed = parse_event_type(item.text);
        if (!parsed) {
            std::vector<std::string_view> names;
            for (const event_type e : all_event_types) {
                names.push_back(to_string(e));
            }
            m.diag().add(
                item.mark, item.path,
                "unknown event \"" + item.text + "\" (expected " + list_names(names) + ")");
        } else if (std::find(events.begin(), events.end(), *parsed) == events.end()) {
            events.push_back(*parsed);
        }
    }
    return events;
}

std::vector<notifier_config> read_notifiers(const load_context& ctx, const map_reader& root,
                                            const api_config& api) {
    std::vector<notifier_config> notifiers;
    const YAML::Node list = root.value("notifiers");
    if (list.IsDefined() && !list.IsSequence()) {
        root.fail("notifiers", "expected a list of notifiers");
    } else if (list.IsDefined()) {
        std::size_t index = 0;
        for (const YAML::Node& item : list) {
            const map_reader m(ctx.diag, item, "notifiers[" + std::to_string(index) + "]",
                               notifier_keys, item.Mark());
            ++index;
            if (!m.is_mapping()) {
                continue;
            }
            notifier_config n = read_notifier(ctx, m, api);
            const bool duplicate =
                !n.name.empty() &&
                std::any_of(notifiers.begin(), notifiers.end(),
                            [&](const notifier_config& other) { return other.name == n.name; });
            if (duplicate) {
                m.fail("name", "duplicate notifier name \"" + n.name + "\"");
            }
            notifiers.push_back(std::move(n));
        }
    }
    if (notifiers.empty() && (!list.IsDefined() || list.size() == 0)) {
        notifier_config journal;
        journal.name = "log";
        journal.type = notifier_type::log;
        journal.events = default_events(notifier_type::log);
        journal.time_zone = default_time_zone(api);
        notifiers.push_back(std::move(journal));
    }
    return notifiers;
}

}  // namespace sesmon::config_file
