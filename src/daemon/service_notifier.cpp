#include "daemon/service_notifier.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include <cstring>

namespace sesmon::daemon {

service_notifier::service_notifier(boost::asio::any_io_executor executor,
                                   std::shared_ptr<spdlog::logger> logger)
    : logger_(std::move(logger)), watchdog_timer_(std::move(executor)) {}

void service_notifier::send(const std::string& state) {
    const int r = sd_notify(0, state.c_str());
    if (r < 0 && !send_failed_logged_) {
        send_failed_logged_ = true;  // once: a broken socket would otherwise flood the log
        logger_->warn("sd_notify failed: {}", std::strerror(-r));
    }
}

void service_notifier::ready() {
    send("READY=1");
}

void service_notifier::reloading() {
    // systemd ≥ 253 (Type=notify-reload) wants the reload's start on CLOCK_MONOTONIC.
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const auto usec = static_cast<unsigned long long>(ts.tv_sec) * 1000000ULL +
                      static_cast<unsigned long long>(ts.tv_nsec) / 1000ULL;
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void service_notifier::stopping() {
    send("STOPPING=1");
}

void service_notifier::status(const std::string& line) {
    if (line == last_status_)
        return;
    last_status_ = line;
    send("STATUS=" + line);
}

std::optional<duration> service_notifier::start_watchdog() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return std::nullopt;
    watchdog_period_ = std::max(
        duration(1), std::chrono::duration_cast<duration>(std::chrono::microseconds(usec / 2)));
    watchdog_on_ = true;
    send("WATCHDOG=1");
    arm_watchdog();
    return watchdog_period_;
}

void service_notifier::stop_watchdog() {
    watchdog_on_ = false;
    watchdog_timer_.cancel();
}

void service_notifier::arm_watchdog() {
    watchdog_timer_.expires_after(watchdog_period_);
    watchdog_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !watchdog_on_)
            return;
        send("WATCHDOG=1");
        arm_watchdog();
    });
}

}  // namespace sesmon::daemon
