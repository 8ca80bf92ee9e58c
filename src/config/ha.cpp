// The ha section (SPEC §3, §11): etcd endpoints, TLS and auth to etcd, the group's prefix,
// this member's name and the leadership lease.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "common/url.hpp"
#include "config/context.hpp"

namespace sesmon::config_file {
namespace {

// etcd's lease TTLs are whole seconds; below 2 s etcd raises them (its minimum with default
// timing), and a leader that is replaced only after an hour is no longer available.
constexpr duration min_lease_ttl = std::chrono::seconds(2);
constexpr duration max_lease_ttl = std::chrono::hours(1);
// How much of etcd's history the leader keeps: long enough for a member's watch to resume
// after a short outage, short enough that etcd's database stays small.
constexpr duration min_retention = std::chrono::minutes(1);
constexpr duration max_retention = std::chrono::hours(24 * 7);

void read_endpoints(const load_context& ctx, const map_reader& etcd, ha_config& out) {
    const auto listed = etcd.read_strings("endpoints");
    if (!listed) {
        if (!etcd.has("endpoints"))
            etcd.fail_here(
                "endpoints: required (the etcd v3.4+ members, e.g. https://10.0.0.5:2379)");
        return;
    }
    if (listed->empty())
        etcd.fail("endpoints", "must list at least one etcd endpoint");
    for (const located_string& item : *listed) {
        const auto url = common::parse_url(item.text);
        std::string problem = check_url(item.text);
        if (problem.empty() && url->target != "/")
            problem = "an etcd endpoint is scheme, host and port only (no path), got " + item.text;
        if (!problem.empty()) {
            ctx.diag.add(item.mark, item.path, problem);
            continue;
        }
        out.endpoints.push_back(
            url->scheme + "://" +
            (url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host) + ":" +
            url->port);
    }
}

void read_etcd(const load_context& ctx, const map_reader& ha, ha_config& out) {
    const map_reader etcd = ha.child(
        "etcd", {"endpoints", "ca_file", "cert_file", "key_file", "username", "password_file"});
    read_endpoints(ctx, etcd, out);
    out.ca_file = ctx.readable_file(etcd, "ca_file");
    out.cert_file = ctx.readable_file(etcd, "cert_file");
    // The client key is a secret: the permission rule of secret files applies.
    if (std::string key; etcd.read("key_file", key) && !key.empty()) {
        if (ctx.secret_file(etcd, "key_file"))
            out.key_file = ctx.resolve(key);
    }
    if (etcd.has("cert_file") != etcd.has("key_file")) {
        etcd.fail_here("cert_file and key_file go together (the client certificate and its key)");
    }
    const bool any_tls = std::any_of(out.endpoints.begin(), out.endpoints.end(),
                                     [](const std::string& e) { return e.rfind("https", 0) == 0; });
    for (const char* key : {"ca_file", "cert_file", "key_file"}) {
        if (etcd.has(key) && !any_tls && !out.endpoints.empty())
            etcd.fail(key, "no endpoint uses https://, so TLS files have no use");
    }
    etcd.read("username", out.username);
    out.password = ctx.secret_file(etcd, "password_file");
    if (!out.username.empty() && !etcd.has("password_file"))
        etcd.fail("username", "needs password_file (the etcd user's password, a secret)");
    if (out.username.empty() && etcd.has("password_file"))
        etcd.fail("password_file", "needs username");
}

bool valid_prefix(const std::string& prefix) {
    return prefix.size() >= 2 && prefix.size() <= 200 && prefix.front() == '/' &&
           prefix.back() != '/' && prefix.find("//") == std::string::npos &&
           std::all_of(prefix.begin(), prefix.end(), [](unsigned char c) {
               return std::isalnum(c) != 0 || c == '/' || c == '.' || c == '_' || c == '-';
           });
}

std::string host_name() {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0)
        return "";
    return name.data();
}

void read_member(const map_reader& ha, ha_config& out) {
    if (ha.read("member", out.member) && !out.member.empty()) {
        if (!valid_label(out.member))
            ha.fail("member", "\"" + out.member + "\" " + std::string(label_rule));
        return;
    }
    out.member = host_name();
    if (!valid_label(out.member)) {
        ha.fail_here("member: this host's name \"" + out.member +
                     "\" is not a usable member name; set ha.member (" + std::string(label_rule) +
                     ")");
    }
}

}  // namespace

void read_ha(const load_context& ctx, const map_reader& root, const discovery_config& discovery,
             std::optional<ha_config>& out) {
    if (!root.has("ha"))
        return;
    (void)discovery;  // discovery in a group: the leader lists, the known set is the group's
    const map_reader ha =
        root.child("ha", {"etcd", "prefix", "member", "lease_ttl", "compaction_retention"});
    ha_config cfg;
    if (ha.has("etcd")) {
        read_etcd(ctx, ha, cfg);
    } else {
        ha.fail_here("etcd: required (the etcd endpoints that coordinate the group)");
    }
    if (ha.read("prefix", cfg.prefix) && !valid_prefix(cfg.prefix)) {
        ha.fail("prefix",
                "expected a key path like /ses-upgrade-monitor/prod: starting with '/', not "
                "ending with one, of letters, digits, '/', '.', '_' or '-', got \"" +
                    cfg.prefix + "\"");
    }
    read_member(ha, cfg);
    if (ha.read("lease_ttl", cfg.lease_ttl)) {
        if (cfg.lease_ttl < min_lease_ttl || cfg.lease_ttl > max_lease_ttl) {
            ha.fail("lease_ttl", "must be between 2s and 1h");
        } else if (cfg.lease_ttl % std::chrono::seconds(1) != duration::zero()) {
            ha.fail("lease_ttl", "must be whole seconds (etcd leases count in seconds)");
        }
    }
    if (ha.read("compaction_retention", cfg.compaction_retention,
                map_reader::zero_duration::allowed) &&
        cfg.compaction_retention != duration::zero() &&
        (cfg.compaction_retention < min_retention || cfg.compaction_retention > max_retention)) {
        ha.fail("compaction_retention",
                "must be 0 (etcd compacts on its own: --auto-compaction-*) or between 1m and 7d");
    }
    out = std::move(cfg);
}

}  // namespace sesmon::config_file
