#include "daemon/logging.hpp"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace sesmon::daemon {

namespace {

// syslog priorities (sd-daemon.h's SD_ERR etc.) for journald's "<N>" prefix.
int syslog_priority(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
        case spdlog::level::debug:
            return 7;
        case spdlog::level::info:
            return 6;
        case spdlog::level::warn:
            return 4;
        case spdlog::level::err:
            return 3;
        case spdlog::level::critical:
            return 2;
        default:
            return 6;
    }
}

std::string_view level_word(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
            return "trace";
        case spdlog::level::debug:
            return "debug";
        case spdlog::level::info:
            return "info";
        case spdlog::level::warn:
            return "warn";
        case spdlog::level::err:
            return "error";
        case spdlog::level::critical:
            return "critical";
        default:
            return "info";
    }
}

void append_timestamp(spdlog::memory_buf_t& out, spdlog::log_clock::time_point tp) {
    const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(tp);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp - secs).count();
    const std::time_t t = spdlog::log_clock::to_time_t(tp);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const auto n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                 tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    out.append(buf, buf + n);
}

void append(spdlog::memory_buf_t& out, std::string_view s) {
    out.append(s.data(), s.data() + s.size());
}

void append_json_string(spdlog::memory_buf_t& out, std::string_view s) {
    out.push_back('"');
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                append(out, "\\\"");
                break;
            case '\\':
                append(out, "\\\\");
                break;
            case '\n':
                append(out, "\\n");
                break;
            case '\r':
                append(out, "\\r");
                break;
            case '\t':
                append(out, "\\t");
                break;
            default:
                if (u < 0x20) {
                    char esc[8];
                    const auto n = std::snprintf(esc, sizeof esc, "\\u%04x", u);
                    out.append(esc, esc + n);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

// One line of text: "<time> <level> <message>", or "<N><message>" under journald.
class text_formatter final : public spdlog::formatter {
  public:
    explicit text_formatter(bool journal) : journal_(journal) {}
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        if (journal_) {
            dest.push_back('<');
            dest.push_back(static_cast<char>('0' + syslog_priority(msg.level)));
            dest.push_back('>');
        } else {
            append_timestamp(dest, msg.time);
            dest.push_back(' ');
            append(dest, level_word(msg.level));
            dest.push_back(' ');
        }
        append(dest, std::string_view(msg.payload.data(), msg.payload.size()));
        dest.push_back('\n');
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<text_formatter>(journal_);
    }

  private:
    bool journal_;
};

// One JSON object per line: time, level, message. A message that is itself a JSON object
// (the log notifier's json format) is embedded as "event" rather than as a string.
class json_formatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        append(dest, "{\"time\":\"");
        append_timestamp(dest, msg.time);
        append(dest, "\",\"level\":\"");
        append(dest, level_word(msg.level));
        append(dest, "\",");
        if (payload.size() >= 2 && payload.front() == '{' && payload.back() == '}') {
            append(dest, "\"event\":");
            append(dest, payload);
        } else {
            append(dest, "\"message\":");
            append_json_string(dest, payload);
        }
        append(dest, "}\n");
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<json_formatter>();
    }
};

}  // namespace

log_target detect_log_target() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    return log_target{stream != nullptr && *stream != '\0'};
}

int to_spdlog_level(log_level level) {
    switch (level) {
        case log_level::trace:
            return spdlog::level::trace;
        case log_level::debug:
            return spdlog::level::debug;
        case log_level::info:
            return spdlog::level::info;
        case log_level::warn:
            return spdlog::level::warn;
        case log_level::error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

void apply_logging(spdlog::logger& logger, const logging_config& cfg, log_target target) {
    logger.set_level(static_cast<spdlog::level::level_enum>(to_spdlog_level(cfg.level)));
    if (cfg.format == log_format::json) {
        logger.set_formatter(std::make_unique<json_formatter>());
    } else {
        logger.set_formatter(std::make_unique<text_formatter>(target.journal));
    }
}

std::shared_ptr<spdlog::logger> make_logger(const logging_config& cfg, log_target target) {
    auto logger = std::make_shared<spdlog::logger>(
        "ses-upgrade-monitor", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    apply_logging(*logger, cfg, target);
    logger->flush_on(spdlog::level::trace);  // stderr is unbuffered anyway; never lose a line
    return logger;
}

}  // namespace sesmon::daemon
