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

boost::asio::awaitable<http_result> fenced_http_client::send(http_request request) {
    const bool open = co_await gate_open(election_);
    if (!open) {
        http_result refused =
            http_error{http_error_kind::connect, "not sent: this member does not lead the group"};
        co_return refused;
    }
    http_result result = co_await inner_->send(std::move(request));
    co_return result;
}

}  // namespace sesmon::daemon
