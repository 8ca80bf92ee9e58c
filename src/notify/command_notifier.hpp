#pragma once
// command_notifier (`type: command`): runs `argv` once per attempt (no shell) with the generic
// body on stdin and SES_EVENT_TYPE, SES_EVENT_ID, SES_CLUSTER added to the daemon's
// environment. Exit 0 is delivered; any other exit, a signal, a spawn failure or the timeout
// (process group SIGTERM, then SIGKILL 2 s later) is retried.
#include <string>

#include "sesmon/config.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

class command_notifier final : public sesmon::notifier {
  public:
    // Throws std::invalid_argument for an empty argv.
    explicit command_notifier(sesmon::notifier_config config,
                              sesmon::duration kill_grace = std::chrono::seconds(2));
    std::string_view name() const override { return config_.name; }
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(const sesmon::event& e) override;

  private:
    sesmon::notifier_config config_;
    sesmon::duration kill_grace_;
};

}  // namespace sesmon::notify
