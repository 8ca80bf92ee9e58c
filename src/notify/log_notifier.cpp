#include "notify/log_notifier.hpp"

#include <spdlog/spdlog.h>

#include "common/time_format.hpp"
#include "notify/event_text.hpp"
#include "notify/format_generic.hpp"
#include "notify/message_text.hpp"

namespace sesmon::notify {

namespace {

// key=value, quoting values with spaces, quotes or '=' so the line stays machine-splittable.
void field(std::string& line, std::string_view key, std::string_view value) {
    if (value.empty()) {
        return;
    }
    line.append(" ").append(key).append("=");
    if (value.find_first_of(" \"=\t") == std::string_view::npos) {
        line.append(value);
        return;
    }
    line.push_back('"');
    for (char c : value) {
        if (c == '"' || c == '\\') {
            line.push_back('\\');
        }
        line.push_back(c);
    }
    line.push_back('"');
}

spdlog::level::level_enum level_for(event_type type) {
    switch (type) {
        case event_type::upgrade_failed:
        case event_type::monitor_degraded:
        case event_type::cluster_health_red:
            return spdlog::level::err;
        case event_type::upgrade_stalled:
        case event_type::recovery_stuck:
        case event_type::upgrade_vanished:
        case event_type::monitor_blind:
        case event_type::upgrade_unplanned:
            return spdlog::level::warn;
        default:
            return spdlog::level::info;
    }
}

}  // namespace

std::string log_line(const event& e, log_format format) {
    if (format == log_format::json) {
        return format_generic(e);
    }
    std::string line = "event=" + std::string(to_string(e.type));
    field(line, "cluster", e.cluster.name);
    field(line, "labels", e.cluster.labels.to_text());
    if (e.node) {
        field(line, "node", e.node->hostname);
        field(line, "role", e.node->role);
        field(line, "status", e.node->status);
        field(line, "previous", e.node->previous_status);
    }
    field(line, "versions", version_text(e));
    field(line, "progress", progress_text(e));
    if (e.upgrade && e.upgrade->expected_finish) {
        field(line, "eta", common::format_rfc3339_utc(*e.upgrade->expected_finish));
    }
    if (e.stall) {
        field(line, "stall", e.stall->reason);
    }
    if (auto stuck = stuck_for(e)) {
        field(line, "for", common::format_duration(*stuck));
    }
    if (e.error) {
        field(line, "error", *e.error);
    }
    if (!e.digest.empty())
        field(line, "digest", std::to_string(e.digest.size()));
    if (e.stall && e.stall->cluster) {
        const cluster_insight& c = *e.stall->cluster;
        field(line, "health", c.current ? c.health : "unknown");
    }
    field(line, "summary", e.summary);
    field(line, "id", e.id.substr(0, 12));
    return line;
}

log_notifier::log_notifier(std::string name, std::shared_ptr<spdlog::logger> logger,
                           log_format format, message_language language)
    : name_(std::move(name)), logger_(std::move(logger)), format_(format), language_(language) {}

boost::asio::awaitable<delivery_outcome> log_notifier::deliver(const event& e,
                                                               const delivery_context& context) {
    delivery_outcome outcome;
    if (auto refused = context.refusal(std::chrono::steady_clock::now()); !refused.empty()) {
        outcome.result = delivery_outcome::kind::retry;
        outcome.detail = std::move(refused);
        co_return outcome;
    }
    if (language_ == message_language::en) {
        logger_->log(level_for(e.type), "{}", log_line(e, format_));
    } else {
        logger_->log(level_for(e.type), "{}",
                     log_line(with_localized_summary(e, {language_, {}}), format_));
    }
    outcome.detail = "logged";
    co_return outcome;
}

}  // namespace sesmon::notify
