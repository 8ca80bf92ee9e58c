#pragma once
// fenced: the two doors through which a member acts on the world — API polls and
// notification deliveries — each behind this member's leadership term
// (ha::leadership_term). In HA mode the daemon's watchers poll through a fenced_source and its
// dispatcher delivers through fenced_notifiers, so that:
// - a standby makes no API call and sends nothing;
// - a leader whose term has lapsed (renewals failing, or just woken from a pause past ttl/2)
//   waits before each poll and each delivery until etcd confirmed it again (every confirmed
//   renewal releases the wait), and gives up when the term ends (the daemon then stops its
//   watchers and replaces its dispatcher);
// - every request carries the term's deadline as its own: a poll's and each webhook's timeout
//   is cut to end by it, a command is killed at it, a PagerDuty delivery's next message does
//   not start once the term lapsed, and a delivery still running when the term ends (a depose,
//   a stop) is cancelled then (SPEC §12 invariant 3).
// The check is made right before the request starts, with no wait in between.
#include <memory>

#include "sesmon/cluster_list.hpp"
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

// Discovery's listings (SPEC §10) in a group: the leader's only.
class fenced_list_source final : public cluster_list_source {
  public:
    fenced_list_source(cluster_list_source& inner, ha::election& election)
        : inner_(inner), election_(election) {}
    // A term that ends while waiting: a network api_error (the listing is dropped).
    boost::asio::awaitable<cluster_list_result> fetch_cluster_page(std::string region, int page_no,
                                                                   int page_size) override;

  private:
    cluster_list_source& inner_;
    ha::election& election_;
};

class fenced_notifier final : public notifier {
  public:
    fenced_notifier(std::unique_ptr<notifier> inner, ha::election& election)
        : inner_(std::move(inner)), election_(election) {}
    std::string_view name() const override { return inner_->name(); }
    // A term that ends while waiting or sending: a retry outcome (the lane is being closed;
    // the delivery stays pending in the group's store for the next leader).
    boost::asio::awaitable<delivery_outcome> deliver(const event& e,
                                                     const delivery_context& context) override;

  private:
    std::unique_ptr<notifier> inner_;
    ha::election& election_;
};

}  // namespace sesmon::daemon
