#include "notify/factory.hpp"

#include <stdexcept>

#include "notify/command_notifier.hpp"
#include "notify/log_notifier.hpp"
#include "notify/sens_notifier.hpp"
#include "notify/smtp_notifier.hpp"
#include "notify/teams_notifier.hpp"
#include "notify/webhook_notifier.hpp"
#include "notify/works_notifier.hpp"

namespace sesmon::notify {

namespace {

void require_http(const notifier_config& config, const notifier_deps& deps) {
    if (!deps.http_client_for || deps.clock == nullptr) {
        throw std::invalid_argument("notifier '" + config.name +
                                    "': no HTTP client or clock given");
    }
}

}  // namespace

std::unique_ptr<notifier> make_notifier(const notifier_config& config, const notifier_deps& deps) {
    switch (config.type) {
        case notifier_type::log:
            if (!deps.logger) {
                throw std::invalid_argument("notifier '" + config.name + "': no logger given");
            }
            return std::make_unique<log_notifier>(config.name, deps.logger, deps.log_format,
                                                  config.language);
        case notifier_type::webhook:
            require_http(config, deps);
            return std::make_unique<webhook_notifier>(config, deps.http_client_for(config.ca_file),
                                                      *deps.clock);
        case notifier_type::command:
            return std::make_unique<command_notifier>(config);
        case notifier_type::naver_works:
            require_http(config, deps);
            return std::make_unique<works_notifier>(config, deps.http_client_for(config.ca_file),
                                                    *deps.clock);
        case notifier_type::teams:
            require_http(config, deps);
            return std::make_unique<teams_notifier>(config, deps.http_client_for(config.ca_file),
                                                    *deps.clock);
        case notifier_type::ncp_mail:
        case notifier_type::ncp_sms:
            require_http(config, deps);
            return std::make_unique<sens_notifier>(config, deps.http_client_for(config.ca_file),
                                                   *deps.clock);
        case notifier_type::smtp:
            if (deps.clock == nullptr)
                throw std::invalid_argument("notifier '" + config.name + "': no clock given");
            return std::make_unique<smtp_notifier>(config, *deps.clock);
    }
    throw std::invalid_argument("notifier '" + config.name + "': unknown type");
}

}  // namespace sesmon::notify
