#include "daemon/fenced.hpp"

#include "ha/election.hpp"

namespace sesmon::daemon {

// Written plainly on purpose: GCC 12 mishandles co_await inside a short-circuit condition
// and `co_return co_await` of a non-trivial type (a double free of the outcome's strings).

namespace {

boost::asio::awaitable<bool> gate_open(ha::election& election) {
    if (election.may_act())
        co_return true;
    const bool open = co_await election.until_may_act();
    co_return open;
}

}  // namespace

boost::asio::awaitable<progress_result> fenced_source::fetch_progress(cluster_target target) {
    const bool open = co_await gate_open(election_);
    if (!open) {
        co_return api_error{api_error_kind::network,
                            0,
                            "",
                            "not polled: this member does not lead the group",
                            {},
                            false};
    }
    progress_result result = co_await inner_.fetch_progress(std::move(target));
    co_return result;
}

boost::asio::awaitable<cluster_list_result> fenced_list_source::fetch_cluster_page(
    std::string region, int page_no, int page_size) {
    const bool open = co_await gate_open(election_);
    if (!open) {
        co_return api_error{api_error_kind::network,
                            0,
                            "",
                            "not listed: this member does not lead the group",
                            {},
                            false};
    }
    cluster_list_result result =
        co_await inner_.fetch_cluster_page(std::move(region), page_no, page_size);
    co_return result;
}

boost::asio::awaitable<delivery_outcome> fenced_notifier::deliver(const event& e) {
    const bool open = co_await gate_open(election_);
    delivery_outcome outcome;
    if (!open) {
        outcome.result = delivery_outcome::kind::retry;
        outcome.detail = "not sent: this member no longer leads the group";
        co_return outcome;
    }
    outcome = co_await inner_->deliver(e);
    co_return outcome;
}

}  // namespace sesmon::daemon
