#include "notify/command_notifier.hpp"

#include <stdexcept>

#include "notify/child_process.hpp"
#include "notify/format_generic.hpp"
#include "notify/message_text.hpp"

namespace sesmon::notify {

command_notifier::command_notifier(notifier_config config, duration kill_grace,
                                   std::vector<std::string> inherited)
    : config_(std::move(config)), kill_grace_(kill_grace), inherited_(std::move(inherited)) {
    if (config_.argv.empty() || config_.argv.front().empty()) {
        throw std::invalid_argument("notifier '" + config_.name + "': command without argv");
    }
    if (config_.argv.front().front() != '/') {
        throw std::invalid_argument("notifier '" + config_.name +
                                    "': the program must be an absolute path");
    }
}

boost::asio::awaitable<delivery_outcome> command_notifier::deliver(
    const event& e, const delivery_context& context) {
    const auto began = std::chrono::steady_clock::now();
    delivery_outcome outcome;
    if (auto refused = context.refusal(began); !refused.empty()) {
        outcome.result = delivery_outcome::kind::retry;
        outcome.detail = std::move(refused);
        co_return outcome;
    }
    auto env = command_environment(inherited_, e);
    process_result result =
        co_await run_process(config_.argv, std::move(env),
                             format_generic(with_localized_summary(e, text_options_of(config_))),
                             config_.timeout, kill_grace_, context.deadline);
    outcome.result =
        result.succeeded() ? delivery_outcome::kind::delivered : delivery_outcome::kind::retry;
    outcome.detail = result.describe(config_.timeout);
    outcome.latency =
        std::chrono::duration_cast<duration>(std::chrono::steady_clock::now() - began);
    co_return outcome;
}

}  // namespace sesmon::notify
