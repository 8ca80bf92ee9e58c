#pragma once
// config: the whole configuration of SPEC §3, after parsing, defaults and validation.
// Produced by config::load (src/config/), which throws config::error on invalid input.
// Per-cluster polling/stall values are already merged with the global ones.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sesmon/event.hpp"
#include "sesmon/labels.hpp"
#include "sesmon/quiet.hpp"
#include "sesmon/secret.hpp"
#include "sesmon/time.hpp"

namespace sesmon {

using namespace std::chrono_literals;

enum class api_site { public_site, gov, fin };

struct api_config {
    api_site site = api_site::public_site;
    std::string region = "KR";
    std::string endpoint;  // base URL override ("" = the site's host)
    std::string ca_file;
    secret access_key;  // origin() tells file / env / credential
    secret secret_key;
    duration timeout = 10s;
    int max_in_flight = 16;
    double max_requests_per_second = 20;
    std::chrono::seconds time_zone_offset = 9h;  // zone of the API's date strings
};

struct polling_config {
    duration interval = 30s;
    duration idle_interval = 5min;
    double jitter = 0.1;
    duration max_backoff = 5min;
    friend bool operator==(const polling_config&, const polling_config&) = default;
};

struct stall_config {
    duration node_stage_timeout = 45min;
    duration no_progress_timeout = 60min;
    duration blind_timeout = 10min;
    // slower_than_peers (SPEC §4): a node in one stage longer than adaptive_factor × the
    // median stage time of the nodes already complete in this upgrade, and adaptive_min.
    double adaptive_factor = 3;  // 0 switches the rule off
    duration adaptive_min = 10min;
    // recovery_stuck (SPEC §16): active shard recoveries without progress this long (0 = off).
    duration recovery_timeout = 15min;
    friend bool operator==(const stall_config&, const stall_config&) = default;
};

// opensearch: (SPEC §16) the cluster's own endpoint, read while an upgrade runs.
struct opensearch_config {
    std::string url;                 // base URL (https, or http to loopback); "" with from_api
    bool from_api = false;           // the address from getClusterNodeList, port and user from
                                     // getClusterInfo (https)
    std::string username;            // "" = none, or (from_api) getClusterInfo's user name
    std::optional<secret> password;  // from password_file
    std::string ca_file;
    duration interval = 30s;  // at most one read per interval while an upgrade runs
    friend bool operator==(const opensearch_config&, const opensearch_config&) = default;
};

struct cluster_config {
    std::string name;
    std::string instance_no;
    std::string region;               // effective: the override or api.region
    std::vector<std::string> notify;  // effective: the list, or every notifier's name
    polling_config polling;           // effective: merged with the global section
    stall_config stall;
    label_set labels;         // SPEC §13; a discovered cluster: discovery.defaults.labels
    bool discovered = false;  // from discovery (§10), not from clusters[]
    std::optional<opensearch_config> opensearch;  // SPEC §16; nullopt: no view
    friend bool operator==(const cluster_config&, const cluster_config&) = default;
};

// discovery: (SPEC §10) also watch every cluster the API keys can see.
struct discovery_config {
    bool enabled = false;
    std::vector<std::string> regions;  // effective: the list, or [api.region]
    duration interval = 10min;         // how often the cluster list is read
    std::string include;               // ECMAScript regex on clusterName; "" = every cluster
    std::string exclude;               // applied after include; "" = none
    // discovery.defaults, effective: what a discovered cluster gets as its notify, polling
    // and stall (the global sections merged with the overrides, as for clusters[]).
    std::vector<std::string> notify;
    polling_config polling;
    stall_config stall;
    std::optional<opensearch_config> opensearch;  // from_api only (one url fits no fleet)
    label_set labels;
    friend bool operator==(const discovery_config&, const discovery_config&) = default;
};

enum class notifier_type { log, webhook, command, naver_works, teams, ncp_mail, smtp, ncp_sms };
enum class webhook_format { generic, slack, pagerduty };

// The language of a notifier's human texts (SPEC §15; src/notify/catalogue*.cpp).
enum class message_language { en, ko, ja };

// The zone a notifier shows times in: a zone without daylight saving time (UTC, Asia/Seoul,
// Asia/Tokyo), so a fixed offset with its abbreviation is exact.
struct message_time_zone {
    std::string name = "Asia/Seoul";
    std::chrono::seconds offset = 9h;
    std::string abbreviation = "KST";
    friend bool operator==(const message_time_zone&, const message_time_zone&) = default;
};

// type naver_works: NAVER WORKS (LINE WORKS) Bot API 2.0 with a service account.
struct naver_works_config {
    std::string bot_id;
    std::string channel_id;  // exactly one of channel_id and user_id
    std::string user_id;
    std::string client_id;
    std::string service_account;
    secret client_secret;  // client_secret_file
    secret private_key;    // private_key_file: PEM (PKCS#8 or PKCS#1) RSA key
    std::string token_url = "https://auth.worksmobile.com/oauth2/v2.0/token";
    std::string api_url = "https://www.worksapis.com/v1.0";
};

// types ncp_mail and ncp_sms: NAVER Cloud SENS, signed with signature v2.
enum class mail_api { sens, outbound_mailer };
enum class sms_type { automatic, sms };  // automatic: SMS when it fits, else LMS
struct sens_config {
    std::string endpoint;  // effective: the configured one or the API's default host
    std::string service_id;
    secret access_key;  // access_key_file / secret_key_file, else the API's keys
    secret secret_key;
    mail_api mail = mail_api::sens;
    std::string sender_address;  // ncp_mail
    std::string sender_name;
    std::string from;  // ncp_sms: the registered caller number
    std::string country_code = "82";
    sms_type sms = sms_type::automatic;
};

// type smtp: an SMTP relay through libcurl.
enum class smtp_security { starttls, tls, none };
struct smtp_config {
    std::string host;
    int port = 587;  // effective: the configured one or the security's default
    smtp_security security = smtp_security::starttls;
    std::string username;
    std::optional<secret> password;  // password_file
    std::string from;
};

struct retry_config {
    duration initial_backoff = 1s;
    duration max_backoff = 10min;
    duration max_age = 24h;
};

struct notifier_config {
    std::string name;
    notifier_type type = notifier_type::log;
    std::vector<event_type> events;  // effective filter (default: all but node_changed)
    bool events_given = false;       // `events:` was in the file (routes honour only those)

    // webhook
    webhook_format format = webhook_format::generic;
    secret url;  // from url: or url_file:
    std::optional<secret> signing_secret;
    std::optional<secret> routing_key;  // pagerduty: routing_key_file
    std::vector<std::pair<std::string, std::string>> headers;
    std::string ca_file;

    // command
    std::vector<std::string> argv;

    // webhook and command
    duration timeout = 10s;  // command default 30s
    retry_config retry;

    // Every type: the language and zone of human texts (SPEC §15).
    message_language language = message_language::en;
    message_time_zone time_zone;  // effective: the configured zone or the API's
    // naver_works, teams, ncp_mail, smtp: the dashboard's base URL ("" = no link); messages
    // link to <dashboard_url>#cluster/<name>.
    std::string dashboard_url;
    // ncp_mail, smtp: e-mail addresses; ncp_sms: phone numbers.
    std::vector<std::string> recipients;
    naver_works_config works;
    sens_config sens;
    smtp_config smtp;
    // SPEC §14: events of `digest_events` (default node_changed) of one cluster are folded
    // into one message per `digest` period; zero: no digests.
    duration digest{0};
    std::vector<event_type> digest_events;
};

enum class log_level { trace, debug, info, warn, error };
enum class log_format { text, json };

struct state_config {
    std::string directory = "/var/lib/ses-upgrade-monitor";
    duration history_retention = 400 * 24h;  // finished upgrades, events, dead deliveries
};

// The expected finish of an upgrade (SPEC §4, ETA).
struct eta_config {
    duration node_prior = 12min;  // time per node until this upgrade or the history says better
};

struct server_config {
    std::string listen = "127.0.0.1:9717";  // "" = off
    std::optional<secret> auth_token;
};

// High availability (SPEC §11): members of one group share `prefix` in one etcd.
struct ha_config {
    std::vector<std::string> endpoints;  // http(s)://host:port of etcd v3.4+
    std::string ca_file;                 // TLS to etcd: extra CA, client certificate and key
    std::string cert_file;
    std::string key_file;
    std::string username;            // etcd auth, with password ("" = none)
    std::optional<secret> password;  // from password_file
    std::string prefix = "/ses-upgrade-monitor/default";
    std::string member;        // effective: the configured name, else the host name
    duration lease_ttl = 15s;  // whole seconds
    // The leader compacts etcd's history older than this (0: never; etcd's own
    // --auto-compaction-* must then do it).
    duration compaction_retention = std::chrono::minutes(5);
    friend bool operator==(const ha_config&, const ha_config&) = default;
};

struct logging_config {
    log_level level = log_level::info;
    log_format format = log_format::text;
};

struct config {
    std::string source_path;  // the file it was loaded from
    api_config api;
    polling_config polling;
    stall_config stall;
    std::vector<cluster_config> clusters;  // may be empty when discovery is enabled
    discovery_config discovery;
    std::vector<notifier_config> notifiers;  // default: one `log` notifier named "log"
    state_config state;
    eta_config eta;
    server_config server;
    logging_config logging;
    std::optional<ha_config> ha;  // present: this daemon is a member of an HA group
    // SPEC §14 (sesmon/quiet.hpp).
    std::optional<alertmanager_config> alertmanager;  // present: silences during upgrades
    std::vector<maintenance_window> maintenance;
    std::vector<route_config> routes;  // empty: every notifier gets what its `events` say
};

}  // namespace sesmon
