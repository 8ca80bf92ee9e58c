#pragma once
// command_notifier (`type: command`): runs `argv` once per attempt (no shell, no PATH lookup:
// argv[0] is an absolute path) with the generic body on stdin and the environment of
// command_environment.hpp: an allowlist of the daemon's variables (PATH, LANG, LC_*, TZ, HOME,
// SES_*) plus SES_EVENT_TYPE, SES_EVENT_ID, SES_CLUSTER — never the daemon's secrets.
// Exit 0 is delivered; any other exit, a signal, a spawn failure or the timeout (process
// group SIGTERM, then SIGKILL 2 s later) is retried. The context's deadline is a hard one: the
// group is SIGKILLed at it (no grace), and past it no program is started.
#include <string>
#include <vector>

#include "notify/command_environment.hpp"
#include "sesmon/config.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

class command_notifier final : public sesmon::notifier {
  public:
    // Throws std::invalid_argument for an empty argv or a program that is not an absolute
    // path. `inherited` is the environment the allowlist picks from (the daemon's).
    explicit command_notifier(sesmon::notifier_config config,
                              sesmon::duration kill_grace = std::chrono::seconds(2),
                              std::vector<std::string> inherited = process_environment());
    std::string_view name() const override { return config_.name; }
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(
        const sesmon::event& e, const sesmon::delivery_context& context) override;

  private:
    sesmon::notifier_config config_;
    sesmon::duration kill_grace_;
    std::vector<std::string> inherited_;
};

}  // namespace sesmon::notify
