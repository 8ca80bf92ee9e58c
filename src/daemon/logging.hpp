#pragma once
// logging: the daemon's one logger. Everything goes to stderr, one line per thing that
// happened (SPEC §6):
//   text:  "2026-11-26T20:01:02.123Z warn cluster prod-logs: poll failed (...)"
//   json:  {"time":"2026-11-26T20:01:02.123Z","level":"warn","message":"cluster ..."}
// Under systemd (JOURNAL_STREAM set), text lines carry no timestamp of their own and start
// with a "<N>" syslog priority prefix instead, which journald turns into the entry's
// priority; JSON lines keep their "time" field (a structured line is self-contained).
#include <memory>
#include <string>

#include "sesmon/config.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::daemon {

struct log_target {
    bool journal = false;  // JOURNAL_STREAM is set: journald adds timestamps
};

// The target of this process, from its environment.
log_target detect_log_target();

// A logger named "ses-upgrade-monitor" writing to stderr in `cfg.format` at `cfg.level`.
std::shared_ptr<spdlog::logger> make_logger(const logging_config& cfg, log_target target);

// Applies a reloaded logging section (level and format) to a logger made by make_logger.
void apply_logging(spdlog::logger& logger, const logging_config& cfg, log_target target);

// "info" etc. → spdlog's level.
int to_spdlog_level(log_level level);

}  // namespace sesmon::daemon
