#pragma once
// service_notifier: the daemon's side of systemd's Type=notify protocol (sd_notify(3)),
// through libsystemd. Outside systemd (no NOTIFY_SOCKET) every call is a cheap no-op.
//
//   ready()      READY=1                       config loaded, polling started (and after a reload)
//   reloading()  RELOADING=1 + MONOTONIC_USEC  SIGHUP received
//   stopping()   STOPPING=1                    SIGTERM/SIGINT received
//   status(s)    STATUS=s                      only when s differs from the last one sent
//   watchdog()   WATCHDOG=1                    from a timer on the event loop
//
// Single-threaded (the io_context thread).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "sesmon/time.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::daemon {

class service_notifier {
  public:
    service_notifier(boost::asio::any_io_executor executor, std::shared_ptr<spdlog::logger> logger);

    void ready();
    void reloading();
    void stopping();
    void status(const std::string& line);

    // When systemd's watchdog is on (WATCHDOG_USEC, for this pid), sends WATCHDOG=1 now and
    // then every half of the interval from a timer on the event loop, so a stuck loop is
    // noticed. Returns the ping period, or nullopt when the watchdog is off.
    std::optional<duration> start_watchdog();
    void stop_watchdog();

  private:
    void send(const std::string& state);
    void arm_watchdog();

    std::shared_ptr<spdlog::logger> logger_;
    boost::asio::steady_timer watchdog_timer_;
    duration watchdog_period_{};
    bool watchdog_on_ = false;
    std::string last_status_;
    bool send_failed_logged_ = false;
};

}  // namespace sesmon::daemon
