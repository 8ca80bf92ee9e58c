// `ses-upgrade-monitor run`: load the configuration, then hand over to daemon::daemon.
#include <spdlog/spdlog.h>

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "config/load.hpp"
#include "daemon/daemon.hpp"
#include "daemon/logging.hpp"
#include "state/database.hpp"

namespace sesmon::cli {
namespace {

// After run() returns only the teardown is left — the state store's last writes, bounded by
// its close timeout: a second SIGTERM or SIGINT then ends the process at once (SPEC §12,
// invariant 5), with the line the event loop would have logged. Async-signal-safe.
void exit_at_once_on_a_second_signal() {
    struct sigaction action {};
    action.sa_handler = [](int signo) {
        static constexpr char term[] =
            "second SIGTERM while stopping: exiting now; undelivered events stay queued\n";
        static constexpr char interrupt[] =
            "second SIGINT while stopping: exiting now; undelivered events stay queued\n";
        const bool is_term = signo == SIGTERM;
        [[maybe_unused]] const auto written =
            ::write(2, is_term ? term : interrupt, (is_term ? sizeof term : sizeof interrupt) - 1);
        ::_exit(0);
    };
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
}

}  // namespace

int run_daemon(const std::string& config_path) {
    sesmon::config cfg;
    try {
        cfg = config_file::load(config_path);
    } catch (const config_file::error& e) {
        for (const auto& line : e.lines())
            std::cerr << line << '\n';
        return 2;
    }
    const auto target = daemon::detect_log_target();
    auto logger = daemon::make_logger(cfg.logging, target);
    try {
        daemon::daemon_options options;
        options.config_path = config_path;
        options.log = target;
        // The disk fault seam's control file (a test hook: docs/development.md).
        if (const char* control = std::getenv("SESMON_TEST_DISK_FAULTS"); control && *control)
            options.disk_fault_control = control;
        auto d = std::make_unique<daemon::daemon>(options, std::move(cfg), logger);
        const int code = d->run();
        exit_at_once_on_a_second_signal();
        if (d->unclean()) {
            // Tasks were abandoned mid-flight (a second signal, or a coroutine that ignored
            // cancellation): destroying the daemon under them is unsafe. State is flushed;
            // end the process here, without destructors (nor LeakSanitizer's exit check,
            // which would call the abandoned tasks leaks).
            logger->flush();
            std::fflush(nullptr);
            std::_Exit(code);
        }
        return code;
    } catch (const state::schema_too_new& e) {
        // SPEC §12, invariant 6: a downgrade. The file is left as it is.
        logger->critical(
            "refusing to start: {}; run that version, or move the file away to start afresh "
            "(alerts in flight may then be sent again)",
            e.what());
        return 2;
    } catch (const std::exception& e) {
        logger->critical("cannot run: {}", e.what());
        return 1;
    }
}

}  // namespace sesmon::cli
