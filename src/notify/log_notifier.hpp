#pragma once
// log_notifier (`type: log`): every event as one log line through the daemon's logger —
// text "event=<type> cluster=<name> node=<host> status=<s> previous=<s> ..." or, with
// logging.format json, the generic body as the message. Level: error for upgrade_failed,
// warn for stalls, blindness and vanished upgrades, info otherwise. Never fails, except that
// past its context's deadline it writes nothing (an HA member whose term ended).
#include <memory>
#include <string>

#include "sesmon/config.hpp"
#include "sesmon/notifier.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::notify {

// The line's text (without level or timestamp): pure, for tests and docs.
std::string log_line(const sesmon::event& e, sesmon::log_format format);

class log_notifier final : public sesmon::notifier {
  public:
    // `language`: the summary= field's (the rest of the line is for machines).
    log_notifier(std::string name, std::shared_ptr<spdlog::logger> logger,
                 sesmon::log_format format,
                 sesmon::message_language language = sesmon::message_language::en);
    std::string_view name() const override { return name_; }
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(
        const sesmon::event& e, const sesmon::delivery_context& context) override;

  private:
    std::string name_;
    std::shared_ptr<spdlog::logger> logger_;
    sesmon::log_format format_;
    sesmon::message_language language_;
};

}  // namespace sesmon::notify
