#pragma once
// Internal to the loader: what every section reader needs, and the section readers.
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/label.hpp"
#include "config/environment.hpp"
#include "config/secret_file.hpp"
#include "config/yaml_reader.hpp"
#include "sesmon/config.hpp"

namespace sesmon::config_file {

struct load_context {
    diagnostics& diag;
    const environment& env;
    std::filesystem::path base_dir;  // absolute: relative paths in the file resolve against it

    // The variable through the environment seam; nullopt when unset or when the seam is empty.
    std::optional<std::string> getenv(const std::string& name) const {
        return env.getenv ? env.getenv(name) : std::nullopt;
    }
    // `path` made absolute against base_dir and normalized.
    std::string resolve(const std::string& path) const;
    // Reads the secret file named by `key` (a path) and returns it with origin "file <path>";
    // nullopt when the key is absent or empty, or on a reported problem.
    std::optional<secret> secret_file(const map_reader& m, std::string_view key) const;
    // The permission rule for a secret file at `resolved`: systemd_credential inside
    // $CREDENTIALS_DIRECTORY, owner_only elsewhere.
    secret_file_rule rule_for(const std::string& resolved) const;
    // Checks that the file named by `key` (resolved) can be opened for reading; returns the
    // resolved path, "" when absent or on a reported problem.
    std::string readable_file(const map_reader& m, std::string_view key) const;
    // readable_file for a `ca_file` key, which must also load as a PEM CA bundle
    // (common/ca_bundle.hpp): a bad bundle is a configuration error, not a failure at `run`.
    std::string ca_file(const map_reader& m, std::string_view key) const;
};

// Names of clusters and notifiers: used in state file names, metric labels and URLs.
using common::label_rule;
using common::valid_label;

// Regions valid for a site (SPEC §3 and ncp-api.md).
bool valid_region(api_site site, std::string_view region);
std::string regions_of(api_site site);  // "KR, SGN or JPN"
// "unknown region \"X\" for site public (expected KR, SGN or JPN)"
std::string unknown_region(api_site site, std::string_view region);
std::string_view to_string(api_site site);

// http:// is allowed only to loopback hosts. Returns "" when `url` is acceptable, otherwise a
// message that shows at most the URL's origin (webhook URLs are secrets).
std::string check_url(std::string_view url);

void read_api(const load_context& ctx, const map_reader& root, api_config& out);
void read_polling(const map_reader& m, polling_config& out);
void read_stall(const map_reader& m, stall_config& out);
// eta.cpp: stall.adaptive_factor / adaptive_min (called by read_stall) and the eta section.
void read_adaptive_stall(const map_reader& m, stall_config& out);
void read_eta(const map_reader& root, eta_config& out);
// `api` is read before: the default time zone and the SENS notifiers' default keys.
std::vector<notifier_config> read_notifiers(const load_context& ctx, const map_reader& root,
                                            const api_config& api);
// notifiers.cpp: `url` / `url_file` of a webhook or teams notifier (a secret).
void read_url(const load_context& ctx, const map_reader& m, notifier_config& out);
// notifier_services.cpp: the keys of naver_works, teams, ncp_mail, smtp and ncp_sms besides
// name, type, events, language and time_zone; `language` and `time_zone` of every type;
// the rest of a service notifier.
const std::vector<std::string_view>& service_notifier_keys(notifier_type type);
std::string_view notifier_type_name(notifier_type type);
message_time_zone default_time_zone(const api_config& api);
void read_message_options(const map_reader& m, const api_config& api, notifier_config& out);
void read_service_notifier(const load_context& ctx, const map_reader& m, const api_config& api,
                           notifier_config& out);
// A list of event type names under `key`, each checked (unknown ones reported at the item);
// nullopt when the key is absent or not a list of strings.
std::optional<std::vector<event_type>> read_event_types(const map_reader& m, std::string_view key);
// SPEC §14 (src/config/quiet.cpp): `alertmanager`, `maintenance` and `routes`; they need the
// notifiers, clusters and discovery read before them.
void read_quiet(const load_context& ctx, const map_reader& root, sesmon::config& out);
// This machine's host name ("" when it cannot be read).
std::string host_name();
// `notify:` of a cluster (or of discovery.defaults): the listed notifiers, checked against
// `notifiers`; every notifier's name when the key is absent.
std::vector<std::string> read_notify(const map_reader& m,
                                     const std::vector<notifier_config>& notifiers);
// `labels:` of a cluster or of discovery.defaults (src/config/labels.cpp); empty when absent.
label_set read_labels(const map_reader& m);
// Reads `discovery:` (src/config/discovery.cpp); needs api, polling, stall and notifiers.
discovery_config read_discovery(const load_context& ctx, const map_reader& root,
                                const sesmon::config& partial);
// `clusters:` may be absent or empty only when partial.discovery.enabled.
std::vector<cluster_config> read_clusters(const load_context& ctx, const map_reader& root,
                                          const sesmon::config& partial);
// `discovery`: read before; an HA group does not run discovery (yet), so both on is an error.
// `opensearch:` under `parent` (a cluster, or discovery.defaults, where url is refused);
// nullopt when absent (src/config/opensearch.cpp).
enum class opensearch_scope { cluster, discovery_defaults };
std::optional<opensearch_config> read_opensearch(const load_context& ctx, const map_reader& parent,
                                                 opensearch_scope scope);
void read_ha(const load_context& ctx, const map_reader& root, const discovery_config& discovery,
             std::optional<ha_config>& out);

inline const std::vector<std::string_view> polling_keys{"interval", "idle_interval", "jitter",
                                                        "max_backoff"};
inline const std::vector<std::string_view> stall_keys{"node_stage_timeout", "no_progress_timeout",
                                                      "blind_timeout",      "adaptive_factor",
                                                      "adaptive_min",       "recovery_timeout"};

}  // namespace sesmon::config_file
