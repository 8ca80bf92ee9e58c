#pragma once
// sens_notifier (`type: ncp_mail` and `type: ncp_sms`): NAVER Cloud SENS (ncp-api.md
// "Notifications"), each request signed with signature v2 (src/ncp/signer) and a fresh
// timestamp per attempt:
//   ncp_mail  POST /mail/v2/services/{serviceId}/requests (or the Cloud Outbound Mailer's
//             /api/v1/mails): the subject as `title`, the HTML body as `body`, every
//             recipient as type R, sent individually;
//   ncp_sms   POST /sms/v2/services/{serviceId}/messages: format_sms' SMS or LMS from the
//             registered caller number to every recipient.
// The answer is classified as a webhook's, with SENS' errorMessage in the detail.
#include <memory>
#include <string>

#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::ncp {
class signer;
}

namespace sesmon::notify {

// The request path (the part signed besides the method) and body for `e` (pure: tests).
struct sens_message {
    std::string path;
    std::string body;
};
sens_message sens_request_body(const sesmon::notifier_config& config, const sesmon::event& e);

class sens_notifier final : public sesmon::notifier {
  public:
    // Throws std::invalid_argument for a configuration without service or recipients.
    sens_notifier(sesmon::notifier_config config, sesmon::http_client& client,
                  sesmon::clock& clock);
    ~sens_notifier() override;
    std::string_view name() const override { return config_.name; }
    boost::asio::awaitable<sesmon::delivery_outcome> deliver(
        const sesmon::event& e, const sesmon::delivery_context& context) override;

  private:
    // Every request of this notifier goes through here: it sets the request's timeout, cut
    // to end by the attempt's deadline.
    boost::asio::awaitable<sesmon::http_result> send(sesmon::http_request request,
                                                     const sesmon::delivery_context& context);

    sesmon::notifier_config config_;
    sesmon::http_client& client_;
    sesmon::clock& clock_;
    std::unique_ptr<ncp::signer> signer_;
};

}  // namespace sesmon::notify
