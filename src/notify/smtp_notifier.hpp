#pragma once
// smtp_notifier (`type: smtp`): one e-mail per event through an SMTP relay, with libcurl's
// SMTP (STARTTLS required, implicit TLS, or — to loopback only — none; AUTH when a username
// and password are configured; the peer verified against the system CAs plus `ca_file`).
//
// libcurl's easy interface blocks, so each attempt runs on a small thread pool of this
// notifier and the delivering coroutine waits for it without blocking the event loop: a
// slow or dead relay costs a pool thread, never the loop. Each transfer is bounded by the
// notifier's `timeout` (the wait for the relay's final reply by `timeout` rounded up to a
// second: libcurl bounds that wait only by its server-response timeout, in seconds).
// Destroying the notifier aborts transfers in progress (within about a second, libcurl's
// progress callback period; at most `timeout` while waiting for that final reply) and joins
// the threads.
//
// Results: delivered when the relay accepted the message (250 after DATA); an SMTP 5xx
// reply, refused authentication, or a relay that offers no STARTTLS is dead (the relay's
// reply in the reason); connection failures, timeouts, TLS failures and 4xx replies are
// retried.
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

// What one transfer did (libcurl's code and the relay's last reply), and what that means.
struct smtp_transfer_result {
    int curl_code = 0;
    long reply_code = 0;
    std::string message;  // libcurl's error text, naming the relay's reply where it has one
};
sesmon::delivery_outcome classify_smtp_result(const smtp_transfer_result& result);

class smtp_notifier final : public sesmon::notifier {
  public:
    // Throws std::invalid_argument without host, sender or recipients.
    smtp_notifier(sesmon::notifier_config config, sesmon::clock& clock);
    ~smtp_notifier() override;
    std::string_view name() const override { return config_.name; }
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(
        const sesmon::event& e, const sesmon::delivery_context& context) override;

  private:
    struct shared;
    // Every transfer of this notifier goes through here: it bounds it by `timeout`.
    boost::asio::awaitable<smtp_transfer_result> send(std::string message,
                                                      sesmon::duration timeout);

    sesmon::notifier_config config_;
    sesmon::clock& clock_;
    std::shared_ptr<shared> shared_;
};

}  // namespace sesmon::notify
