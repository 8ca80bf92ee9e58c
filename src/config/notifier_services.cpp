// The notifier types that talk to a service (SPEC §15): naver_works, teams, ncp_mail, smtp,
// ncp_sms; and `language` / `time_zone`, which every type takes.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "common/crypto_rsa.hpp"
#include "common/url.hpp"
#include "config/context.hpp"

namespace sesmon::config_file {

namespace {

constexpr std::string_view works_token_url = "https://auth.worksmobile.com/oauth2/v2.0/token";
constexpr std::string_view works_api_url = "https://www.worksapis.com/v1.0";
constexpr std::string_view sens_url = "https://sens.apigw.ntruss.com";
constexpr std::string_view outbound_mailer_url = "https://mail.apigw.ntruss.com";

// The zones the catalogue can show: none has daylight saving time, so an offset is exact.
struct known_zone {
    std::string_view name;
    std::chrono::seconds offset;
    std::string_view abbreviation;
};
constexpr known_zone known_zones[] = {
    {"UTC", std::chrono::seconds(0), "UTC"},
    {"Etc/UTC", std::chrono::seconds(0), "UTC"},
    {"Asia/Seoul", std::chrono::hours(9), "KST"},
    {"Asia/Tokyo", std::chrono::hours(9), "JST"},
};

message_time_zone zone_of(const known_zone& z) {
    return {std::string(z.name), z.offset, std::string(z.abbreviation)};
}

// An optional string key; "" when absent or empty.
std::string text(const map_reader& m, std::string_view key) {
    std::string value;
    m.read(key, value);
    return value;
}

// A required string key, named in the error with the notifier's type.
std::string required_for(const map_reader& m, std::string_view key, notifier_type type) {
    std::string value;
    m.read(key, value);
    if (value.empty())
        m.diag().add(m.mark(), m.path(key),
                     "required for type " + std::string(notifier_type_name(type)));
    return value;
}

std::optional<secret> required_secret(const load_context& ctx, const map_reader& m,
                                      std::string_view key, notifier_type type) {
    auto value = ctx.secret_file(m, key);
    if (!value && text(m, key).empty())
        m.diag().add(m.mark(), m.path(key),
                     "required for type " + std::string(notifier_type_name(type)));
    return value;
}

// A service URL: https, or http to loopback (the simulator); `fallback` when not set.
std::string service_url(const map_reader& m, std::string_view key, std::string_view fallback) {
    std::string url = text(m, key);
    if (url.empty())
        return std::string(fallback);
    if (auto problem = check_url(url); !problem.empty()) {
        m.fail(key, problem);
    } else if (common::parse_url(url)->target.find('?') != std::string::npos) {
        m.fail(key, "must not have a query");
    }
    while (url.size() > 1 && url.back() == '/')
        url.pop_back();
    return url;
}

bool plain_word(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '@' || c == ':';
    });
}

// An identifier that goes into a URL path (bot, channel, user, service ids).
void check_path_word(const map_reader& m, std::string_view key, const std::string& value) {
    if (!value.empty() && !plain_word(value))
        m.fail(key, "may contain only letters, digits and - _ . @ :");
}

bool mail_address_ok(std::string_view a) {
    const auto at = a.find('@');
    return a.size() <= 254 && at != std::string_view::npos && at > 0 && at + 1 < a.size() &&
           a.find('@', at + 1) == std::string_view::npos &&
           std::none_of(a.begin(), a.end(), [](unsigned char c) {
               return c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' ||
                      c == ';' || c == '(' || c == ')' || c == '\\';
           });
}

bool phone_number_ok(std::string_view n) {
    return n.size() >= 3 && n.size() <= 20 &&
           std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// `to:` — e-mail addresses or phone numbers, at least one, each once.
void read_recipients(const map_reader& m, notifier_config& out, bool phone) {
    const auto listed = m.read_strings("to");
    if (!listed) {
        if (!m.has("to"))
            m.diag().add(m.mark(), m.path("to"),
                         "required for type " + std::string(notifier_type_name(out.type)));
        return;
    }
    if (listed->empty())
        m.fail("to", "must list at least one recipient");
    for (const located_string& item : *listed) {
        const bool ok = phone ? phone_number_ok(item.text) : mail_address_ok(item.text);
        if (!ok) {
            m.diag().add(item.mark, item.path,
                         phone ? "not a phone number (digits only, e.g. 01012345678)"
                               : "not an e-mail address (user@domain, no display name)");
        } else if (std::find(out.recipients.begin(), out.recipients.end(), item.text) ==
                   out.recipients.end()) {
            out.recipients.push_back(item.text);
        }
    }
    if (out.recipients.size() > 100)
        m.fail("to", "at most 100 recipients");
}

void read_dashboard_url(const map_reader& m, notifier_config& out) {
    out.dashboard_url = text(m, "dashboard_url");
    if (out.dashboard_url.empty())
        return;
    // Only a link in the message (people open it): any host, http allowed.
    const auto url = common::parse_url(out.dashboard_url);
    if (!url) {
        m.fail("dashboard_url", "not an absolute http:// or https:// URL without fragment");
    }
}

void read_works(const load_context& ctx, const map_reader& m, notifier_config& out) {
    const notifier_type type = notifier_type::naver_works;
    naver_works_config& w = out.works;
    w.bot_id = required_for(m, "bot_id", type);
    check_path_word(m, "bot_id", w.bot_id);
    w.channel_id = text(m, "channel_id");
    w.user_id = text(m, "user_id");
    if (w.channel_id.empty() == w.user_id.empty()) {
        m.diag().add(m.mark(), m.path("channel_id"),
                     "set channel_id (a channel the bot is in) or user_id, exactly one");
    }
    check_path_word(m, "channel_id", w.channel_id);
    check_path_word(m, "user_id", w.user_id);
    w.client_id = required_for(m, "client_id", type);
    w.service_account = required_for(m, "service_account", type);
    if (auto value = required_secret(ctx, m, "client_secret_file", type))
        w.client_secret = std::move(*value);
    if (auto value = required_secret(ctx, m, "private_key_file", type)) {
        if (auto problem = common::rsa_private_key_problem(value->reveal()); !problem.empty()) {
            m.fail("private_key_file", value->origin() + ": " + problem);
        }
        w.private_key = std::move(*value);
    }
    w.token_url = service_url(m, "token_url", works_token_url);
    w.api_url = service_url(m, "api_url", works_api_url);
    read_dashboard_url(m, out);
    out.ca_file = ctx.ca_file(m, "ca_file");
}

// access_key_file / secret_key_file, else the API's keys (one NAVER Cloud account).
void read_sens_keys(const load_context& ctx, const map_reader& m, const api_config& api,
                    sens_config& s) {
    auto access = ctx.secret_file(m, "access_key_file");
    auto secret_key = ctx.secret_file(m, "secret_key_file");
    if (access.has_value() != secret_key.has_value()) {
        if (text(m, "access_key_file").empty() != text(m, "secret_key_file").empty())
            m.fail_here(
                "set access_key_file and secret_key_file together, or neither (the "
                "API's keys are used)");
    }
    s.access_key = access ? std::move(*access) : api.access_key;
    s.secret_key = secret_key ? std::move(*secret_key) : api.secret_key;
}

void read_sens(const load_context& ctx, const map_reader& m, const api_config& api,
               notifier_config& out) {
    sens_config& s = out.sens;
    read_sens_keys(ctx, m, api, s);
    out.ca_file = ctx.ca_file(m, "ca_file");
    if (out.type == notifier_type::ncp_mail) {
        m.read_enum<mail_api>(
            "mail_api", "mail API",
            {{"sens", mail_api::sens}, {"outbound_mailer", mail_api::outbound_mailer}}, s.mail);
        s.endpoint =
            service_url(m, "endpoint", s.mail == mail_api::sens ? sens_url : outbound_mailer_url);
        if (s.mail == mail_api::sens) {
            s.service_id = required_for(m, "service_id", out.type);
        } else if (!text(m, "service_id").empty()) {
            m.fail_key("service_id", "not used by mail_api outbound_mailer");
        }
        s.sender_address = required_for(m, "sender_address", out.type);
        if (!s.sender_address.empty() && !mail_address_ok(s.sender_address))
            m.fail("sender_address", "not an e-mail address");
        s.sender_name = text(m, "sender_name");
        read_recipients(m, out, false);
        read_dashboard_url(m, out);
    } else {
        s.endpoint = service_url(m, "endpoint", sens_url);
        s.service_id = required_for(m, "service_id", out.type);
        s.from = required_for(m, "from", out.type);
        if (!s.from.empty() && !phone_number_ok(s.from))
            m.fail("from", "the registered caller number, digits only");
        if (m.read("country_code", s.country_code) &&
            (s.country_code.empty() || s.country_code.size() > 4 ||
             !std::all_of(s.country_code.begin(), s.country_code.end(),
                          [](unsigned char c) { return std::isdigit(c) != 0; }))) {
            m.fail("country_code", "digits, e.g. \"82\"");
        }
        m.read_enum<sms_type>("sms_type", "SMS type",
                              {{"auto", sms_type::automatic}, {"sms", sms_type::sms}}, s.sms);
        read_recipients(m, out, true);
    }
    check_path_word(m, "service_id", s.service_id);
}

void read_smtp(const load_context& ctx, const map_reader& m, notifier_config& out) {
    smtp_config& s = out.smtp;
    s.host = required_for(m, "host", out.type);
    if (!s.host.empty() && !plain_word(s.host))
        m.fail("host", "a host name or IP address");
    m.read_enum<smtp_security>("security", "security",
                               {{"starttls", smtp_security::starttls},
                                {"tls", smtp_security::tls},
                                {"none", smtp_security::none}},
                               s.security);
    s.port = s.security == smtp_security::tls ? 465 : s.security == smtp_security::none ? 25 : 587;
    if (m.read("port", s.port) && (s.port < 1 || s.port > 65535))
        m.fail("port", "must be from 1 to 65535");
    const bool loopback = common::is_loopback_host(s.host);
    if (s.security == smtp_security::none && !s.host.empty() && !loopback) {
        m.fail("security", "none (no TLS) is allowed only to loopback hosts: use starttls or tls");
    }
    s.username = text(m, "username");
    if (auto value = ctx.secret_file(m, "password_file"))
        s.password = std::move(*value);
    if (s.username.empty() != text(m, "password_file").empty())
        m.fail_here("set username and password_file together, or neither (no authentication)");
    s.from = required_for(m, "from", out.type);
    if (!s.from.empty() && !mail_address_ok(s.from))
        m.fail("from", "not an e-mail address");
    read_recipients(m, out, false);
    read_dashboard_url(m, out);
    out.ca_file = ctx.ca_file(m, "ca_file");
}

}  // namespace

const std::vector<std::string_view>& service_notifier_keys(notifier_type type) {
    static const std::vector<std::string_view> none;
    static const std::vector<std::string_view> works{"bot_id",
                                                     "channel_id",
                                                     "user_id",
                                                     "client_id",
                                                     "client_secret_file",
                                                     "service_account",
                                                     "private_key_file",
                                                     "token_url",
                                                     "api_url",
                                                     "dashboard_url",
                                                     "timeout",
                                                     "retry",
                                                     "ca_file"};
    static const std::vector<std::string_view> teams{"url",     "url_file", "dashboard_url",
                                                     "timeout", "retry",    "ca_file"};
    static const std::vector<std::string_view> mail{
        "endpoint",      "service_id",     "access_key_file", "secret_key_file",
        "mail_api",      "sender_address", "sender_name",     "to",
        "dashboard_url", "timeout",        "retry",           "ca_file"};
    static const std::vector<std::string_view> sms{
        "endpoint",     "service_id", "access_key_file", "secret_key_file", "from",   "to",
        "country_code", "sms_type",   "timeout",         "retry",           "ca_file"};
    static const std::vector<std::string_view> smtp{
        "host", "port",          "security", "username", "password_file", "from",
        "to",   "dashboard_url", "timeout",  "retry",    "ca_file"};
    switch (type) {
        case notifier_type::naver_works:
            return works;
        case notifier_type::teams:
            return teams;
        case notifier_type::ncp_mail:
            return mail;
        case notifier_type::ncp_sms:
            return sms;
        case notifier_type::smtp:
            return smtp;
        default:
            return none;
    }
}

std::string_view notifier_type_name(notifier_type type) {
    switch (type) {
        case notifier_type::log:
            return "log";
        case notifier_type::webhook:
            return "webhook";
        case notifier_type::command:
            return "command";
        case notifier_type::naver_works:
            return "naver_works";
        case notifier_type::teams:
            return "teams";
        case notifier_type::ncp_mail:
            return "ncp_mail";
        case notifier_type::smtp:
            return "smtp";
        case notifier_type::ncp_sms:
            return "ncp_sms";
    }
    return "log";
}

message_time_zone default_time_zone(const api_config& api) {
    // The API's zone (api.time_zone_offset, +09:00 unless set): Japan's name on the JPN
    // region, Korea's otherwise; UTC for Z; an offset of its own for anything else.
    if (api.time_zone_offset == std::chrono::hours(9))
        return zone_of(known_zones[api.region == "JPN" ? 3 : 2]);
    if (api.time_zone_offset == std::chrono::seconds(0))
        return zone_of(known_zones[0]);
    const auto total = api.time_zone_offset.count();
    const long long minutes = (total < 0 ? -total : total) / 60;
    char name[48];
    std::snprintf(name, sizeof name, "UTC%c%02lld:%02lld", total < 0 ? '-' : '+', minutes / 60,
                  minutes % 60);
    return {name, api.time_zone_offset, name};
}

void read_message_options(const map_reader& m, const api_config& api, notifier_config& out) {
    m.read_enum<message_language>(
        "language", "language",
        {{"en", message_language::en}, {"ko", message_language::ko}, {"ja", message_language::ja}},
        out.language);
    out.time_zone = default_time_zone(api);
    std::string zone;
    if (m.read("time_zone", zone) && !zone.empty()) {
        const auto it = std::find_if(std::begin(known_zones), std::end(known_zones),
                                     [&](const known_zone& z) { return z.name == zone; });
        if (it == std::end(known_zones)) {
            m.fail("time_zone", "unknown time zone \"" + zone +
                                    "\" (expected UTC, Asia/Seoul or Asia/Tokyo: zones without "
                                    "daylight saving time)");
        } else {
            out.time_zone = zone_of(*it);
        }
    }
}

void read_service_notifier(const load_context& ctx, const map_reader& m, const api_config& api,
                           notifier_config& out) {
    switch (out.type) {
        case notifier_type::naver_works:
            read_works(ctx, m, out);
            break;
        case notifier_type::teams:
            read_url(ctx, m, out);
            read_dashboard_url(m, out);
            out.ca_file = ctx.ca_file(m, "ca_file");
            break;
        case notifier_type::ncp_mail:
        case notifier_type::ncp_sms:
            read_sens(ctx, m, api, out);
            break;
        case notifier_type::smtp:
            read_smtp(ctx, m, out);
            break;
        default:
            break;
    }
}

}  // namespace sesmon::config_file
