// ses-upgrade-monitor: argument parsing and dispatch, nothing else (SPEC §2).
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "sesmon/version.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Watches rolling version upgrades of NAVER Cloud Search Engine Service clusters",
                 "ses-upgrade-monitor"};
    app.require_subcommand(0, 1);
    app.set_version_flag("--version", std::string("ses-upgrade-monitor ") + sesmon::version);

    std::string config_path = sesmon::cli::default_config_path();
    const auto add_config = [&](CLI::App* sub) {
        sub->add_option("-c,--config", config_path, "configuration file")->capture_default_str();
    };

    auto* run = app.add_subcommand("run", "run the daemon in the foreground");
    add_config(run);
    auto* check = app.add_subcommand("check-config", "validate the configuration; print a summary");
    add_config(check);

    auto* status = app.add_subcommand(
        "status", "poll every cluster once: a fleet summary and the clusters needing attention");
    add_config(status);
    std::optional<std::string> cluster;
    std::string format = "table";
    sesmon::cli::status_options status_opts;
    auto* one = status->add_option("--cluster", cluster, "only this cluster, with its nodes");
    status->add_flag("--all", status_opts.all, "every cluster, not only those needing attention")
        ->excludes(one);
    status
        ->add_option("--state", status_opts.states,
                     "only clusters in this state (failed, stalled, blind, upgrading, "
                     "finished, idle); repeatable")
        ->excludes(one);
    status
        ->add_option("--label", status_opts.labels,
                     "only clusters with this label (key:value); repeatable")
        ->excludes(one);
    status->add_option("--format", format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();

    auto* notify = app.add_subcommand("test-notify", "send one synthetic event to a notifier");
    add_config(notify);
    std::string notifier;
    notify->add_option("--notifier", notifier, "notifier name")->required();

    auto* history = app.add_subcommand("history", "list past and current upgrades, newest first");
    add_config(history);
    int limit = 50;
    history->add_option("--cluster", cluster, "only this cluster's upgrades");
    history->add_option("--limit", limit, "at most this many upgrades (1-1000)")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    history->add_option("--format", format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();

    auto* deliveries =
        app.add_subcommand("deliveries", "list pending and dead notification deliveries");
    add_config(deliveries);
    bool only_pending = false;
    bool only_dead = false;
    auto* pending_flag = deliveries->add_flag("--pending", only_pending, "only pending ones");
    deliveries->add_flag("--dead", only_dead, "only dead ones (given up)")->excludes(pending_flag);
    deliveries->add_option("--format", format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();

    auto* discover =
        app.add_subcommand("discover", "read the cluster list once: what discovery would watch");
    add_config(discover);
    discover->add_option("--format", format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();

    auto* preflight =
        app.add_subcommand("preflight", "is a cluster ready for a rolling upgrade? (go / no-go)");
    add_config(preflight);
    std::string preflight_cluster;
    std::optional<std::string> to_version;
    preflight->add_option("CLUSTER", preflight_cluster, "the cluster's name")->required();
    preflight->add_option("--to", to_version, "target version (code like 2190, or 2.19.0)");
    preflight->add_option("--format", format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        // CLI11 returns 0 for --help/--version; any real parse error is bad usage (2).
        return code == 0 ? 0 : 2;
    }

    if (*run)
        return sesmon::cli::run_daemon(config_path);
    if (*check)
        return sesmon::cli::check_config(config_path);
    if (*status) {
        status_opts.cluster = cluster;
        status_opts.format = format;
        return sesmon::cli::status(config_path, status_opts);
    }
    if (*notify)
        return sesmon::cli::test_notify(config_path, notifier);
    if (*history)
        return sesmon::cli::history(config_path, cluster, limit, format);
    if (*deliveries) {
        const std::string which = only_pending ? "pending" : only_dead ? "dead" : "all";
        return sesmon::cli::deliveries(config_path, which, format);
    }
    if (*discover)
        return sesmon::cli::discover(config_path, format);
    if (*preflight)
        return sesmon::cli::preflight(config_path, preflight_cluster, to_version, format);
    std::cout << app.help();
    return 2;
}
