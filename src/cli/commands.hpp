#pragma once
// The operator commands of SPEC §2. Each returns the process exit code:
// 0 success, 1 runtime failure, 2 bad usage or invalid configuration.
// Errors are printed to stderr, one line each.
#include <optional>
#include <string>
#include <vector>

namespace sesmon::cli {

// The path -c/--config resolves to: the flag, else $SES_UPGRADE_MONITOR_CONFIG, else
// /etc/ses-upgrade-monitor/config.yaml.
std::string default_config_path();

int run_daemon(const std::string& config_path);
int check_config(const std::string& config_path);
// `status` (SPEC §2): one fleet summary line and the clusters needing attention; `all` lists
// every cluster, `states` / `labels` (as typed: "stalled", "team:search") choose others,
// `cluster` shows one cluster with its nodes.
struct status_options {
    std::optional<std::string> cluster;
    bool all = false;
    std::vector<std::string> states;
    std::vector<std::string> labels;
    std::string format = "table";
};
int status(const std::string& config_path, const status_options& options);
int test_notify(const std::string& config_path, const std::string& notifier);
// Upgrades newest first, at most `limit` (1-1000), only `cluster`'s when given.
int history(const std::string& config_path, const std::optional<std::string>& cluster, int limit,
            const std::string& format);
// `which`: "pending", "dead" or "all".
int deliveries(const std::string& config_path, const std::string& which, const std::string& format);
int discover(const std::string& config_path, const std::string& format);
// Go / no-go for a rolling upgrade of `cluster` (to `to_version`, else the newest reachable):
// 0 go, 1 no-go, 2 could not decide or bad usage.
int preflight(const std::string& config_path, const std::string& cluster,
              const std::optional<std::string>& to_version, const std::string& format);

}  // namespace sesmon::cli
