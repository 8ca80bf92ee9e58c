#pragma once
// fenced: the doors through which a member acts on the world — API polls, notification
// deliveries and Alertmanager silences — each behind the election's gate
// (ha::election::may_act). In HA mode the daemon's watchers poll through a fenced_source,
// its dispatcher delivers through fenced_notifiers and its silences go through a
// fenced_http_client, so that:
// - a standby makes no API call and sends nothing;
// - a leader whose leadership is unconfirmed (renewals failing, or just woken from a pause
//   past ttl/2) waits before each poll and each delivery until etcd confirmed it again,
//   and gives up when its term ends (the daemon then stops its watchers and dispatcher).
// The check is made right before the request starts, with no wait in between.
#include <memory>

#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"
#include "sesmon/progress_source.hpp"

namespace sesmon::ha {
class election;
}

namespace sesmon::daemon {

class fenced_source final : public progress_source {
  public:
    fenced_source(progress_source& inner, ha::election& election)
        : inner_(inner), election_(election) {}
    // A term that ends while waiting: a network api_error (the watcher is being stopped).
    boost::asio::awaitable<progress_result> fetch_progress(cluster_target target) override;

  private:
    progress_source& inner_;
    ha::election& election_;
};

class fenced_notifier final : public notifier {
  public:
    fenced_notifier(std::unique_ptr<notifier> inner, ha::election& election)
        : inner_(std::move(inner)), election_(election) {}
    std::string_view name() const override { return inner_->name(); }
    // A term that ends while waiting: a retry outcome (the lane is being closed; the
    // delivery stays pending in the group's store for the next leader).
    boost::asio::awaitable<delivery_outcome> deliver(const event& e) override;

  private:
    std::unique_ptr<notifier> inner_;
    ha::election& election_;
};

class fenced_http_client final : public http_client {
  public:
    fenced_http_client(std::shared_ptr<http_client> inner, ha::election& election)
        : inner_(std::move(inner)), election_(election) {}
    // A term that ends while waiting: a connect error (the silence manager retries it; the
    // silence stays the group's for the next leader).
    boost::asio::awaitable<http_result> send(http_request request) override;

  private:
    std::shared_ptr<http_client> inner_;
    ha::election& election_;
};

}  // namespace sesmon::daemon
