// `ses-upgrade-monitor run`: load the configuration, then hand over to daemon::daemon.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "config/load.hpp"
#include "daemon/daemon.hpp"
#include "daemon/logging.hpp"

namespace sesmon::cli {

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
        auto d = std::make_unique<daemon::daemon>(options, std::move(cfg), logger);
        const int code = d->run();
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
    } catch (const std::exception& e) {
        logger->critical("cannot run: {}", e.what());
        return 1;
    }
}

}  // namespace sesmon::cli
