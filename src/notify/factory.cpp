#include "notify/factory.hpp"

#include <stdexcept>

#include "notify/command_notifier.hpp"
#include "notify/log_notifier.hpp"
#include "notify/webhook_notifier.hpp"

namespace sesmon::notify {

std::unique_ptr<notifier> make_notifier(const notifier_config& config, const notifier_deps& deps) {
    switch (config.type) {
        case notifier_type::log:
            if (!deps.logger) {
                throw std::invalid_argument("notifier '" + config.name + "': no logger given");
            }
            return std::make_unique<log_notifier>(config.name, deps.logger, deps.log_format);
        case notifier_type::webhook:
            if (!deps.http_client_for || deps.clock == nullptr) {
                throw std::invalid_argument("notifier '" + config.name +
                                            "': no HTTP client or clock given");
            }
            return std::make_unique<webhook_notifier>(config, deps.http_client_for(config.ca_file),
                                                      *deps.clock);
        case notifier_type::command:
            return std::make_unique<command_notifier>(config);
    }
    throw std::invalid_argument("notifier '" + config.name + "': unknown type");
}

}  // namespace sesmon::notify
