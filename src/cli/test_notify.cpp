// `ses-upgrade-monitor test-notify --notifier NAME` (SPEC §2): sends one synthetic event
// through the configured notifier — the real formatter, signing, HTTP client or command, but
// not the outbox and not the retry loop — and reports what the receiver said.
// Exit 0 delivered; 1 the attempt failed; 2 bad configuration or unknown notifier.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "common/crypto.hpp"
#include "common/time_format.hpp"
#include "config/load.hpp"
#include "notify/client_pool.hpp"
#include "notify/factory.hpp"

namespace sesmon::cli {

namespace {

using namespace std::chrono_literals;

// Clearly synthetic: the cluster is "test-notify" and the summary says so. Shaped like a
// real stall so that every format shows all of its fields.
event synthetic_event(const sesmon::clock& clock, const std::string& region) {
    const wall_time now = clock.wall_now();
    event e;
    e.type = event_type::upgrade_stalled;
    e.occurred_at = now;
    e.id = common::to_hex(common::sha256("test-notify/" + common::format_rfc3339_utc(now)));
    e.summary =
        "test-notify: SYNTHETIC TEST EVENT from ses-upgrade-monitor test-notify, not a real "
        "stall (node test-notify-node-1 stuck in Upgrade_OpenSearch for 47m, 3/8 nodes done)";
    e.cluster = {"test-notify", "0000000000", region};
    upgrade_info upgrade;
    upgrade.from_version = "2140";
    upgrade.to_version = "2150";
    upgrade.action_date = common::format_rfc3339_utc(now - 2h);
    upgrade.nodes_total = 8;
    upgrade.nodes_complete = 3;
    upgrade.started_at = now - 2h;
    e.upgrade = upgrade;
    node_info node;
    node.hostname = "test-notify-node-1";
    node.role = "DO";
    node.status = "Upgrade_OpenSearch";
    node.previous_status = "running";
    node.status_since = now - 47min;
    e.node = node;
    e.stall = stall_info{"node_stage_timeout", 47 * 60};
    return e;
}

std::string list_names(const std::vector<notifier_config>& notifiers) {
    std::string names;
    for (const auto& n : notifiers) {
        names += (names.empty() ? "" : ", ") + n.name;
    }
    return names.empty() ? "none" : names;
}

}  // namespace

int test_notify(const std::string& config_path, const std::string& notifier_name) {
    sesmon::config cfg;
    try {
        cfg = config_file::load(config_path);
    } catch (const config_file::error& e) {
        for (const std::string& line : e.lines()) {
            std::cerr << line << '\n';
        }
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "ses-upgrade-monitor: " << config_path << ": " << e.what() << '\n';
        return 2;
    }
    const notifier_config* chosen = nullptr;
    for (const auto& n : cfg.notifiers) {
        if (n.name == notifier_name) {
            chosen = &n;
        }
    }
    if (chosen == nullptr) {
        std::cerr << "ses-upgrade-monitor: test-notify: " << config_path << ": no notifier named '"
                  << notifier_name << "' (configured: " << list_names(cfg.notifiers) << ")\n";
        return 2;
    }

    boost::asio::io_context ioc;
    sesmon::system_clock clock;
    auto logger = std::make_shared<spdlog::logger>(
        "test-notify", std::make_shared<spdlog::sinks::stderr_sink_st>());
    logger->set_pattern("%v");
    notify::client_pool clients(ioc.get_executor(), 1);  // one delivery
    notify::notifier_deps deps;
    deps.executor = ioc.get_executor();
    deps.clock = &clock;
    deps.logger = logger;
    deps.log_format = cfg.logging.format;
    deps.http_client_for = [&](const std::string& ca_file) -> http_client& {
        return clients.client_for(ca_file);
    };

    std::unique_ptr<sesmon::notifier> instance;
    try {
        instance = notify::make_notifier(*chosen, deps);
    } catch (const std::exception& e) {
        std::cerr << "ses-upgrade-monitor: test-notify: " << e.what() << '\n';
        return 2;
    }

    const event e = synthetic_event(clock, cfg.api.region);
    std::optional<delivery_outcome> outcome;
    std::string failure;
    const delivery_context unbounded;  // an operator's one attempt: the notifier's timeout
    boost::asio::co_spawn(ioc, instance->deliver(e, unbounded),
                          [&](std::exception_ptr error, delivery_outcome result) {
                              if (error) {
                                  try {
                                      std::rethrow_exception(error);
                                  } catch (const std::exception& ex) {
                                      failure = ex.what();
                                  }
                              } else {
                                  outcome = std::move(result);
                              }
                          });
    ioc.run();

    if (!outcome) {
        std::cerr << "failed: " << failure << '\n';
        return 1;
    }
    const std::string took = common::format_duration(outcome->latency);
    switch (outcome->result) {
        case delivery_outcome::kind::delivered:
            std::cout << "delivered: " << outcome->detail << " in " << took << '\n';
            return 0;
        case delivery_outcome::kind::retry:
            std::cerr << "failed: " << outcome->detail << " after " << took
                      << " (the daemon would retry this)\n";
            return 1;
        case delivery_outcome::kind::rejected:
            std::cerr << "failed: " << outcome->detail << " after " << took
                      << " (rejected: the daemon would dead-letter this)\n";
            return 1;
    }
    return 1;
}

}  // namespace sesmon::cli
