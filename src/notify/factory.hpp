#pragma once
// make_notifier: the one place that turns a `notifiers:` entry into a notifier, switching
// explicitly on `type:` (no self-registration).
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>

#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::notify {

// What notifiers need from the daemon. Everything referenced must outlive the notifiers.
struct notifier_deps {
    boost::asio::any_io_executor executor;
    sesmon::clock* clock = nullptr;          // required
    std::shared_ptr<spdlog::logger> logger;  // diagnostics and the `log` notifier's lines
    sesmon::log_format log_format = sesmon::log_format::text;  // logging.format, for `log`
    // The HTTP client for a webhook, by its `ca_file` ("" = system CA store only). Lets the
    // daemon keep one https_client per distinct CA bundle. Required for webhooks.
    std::function<sesmon::http_client&(const std::string& ca_file)> http_client_for;
};

// Throws std::invalid_argument for a configuration the notifier cannot use (a webhook
// without URL, a command without argv, a `whsec_` signing secret that is not Base64,
// a pagerduty webhook without routing key).
std::unique_ptr<sesmon::notifier> make_notifier(const sesmon::notifier_config& config,
                                                const notifier_deps& deps);

}  // namespace sesmon::notify
