#include "daemon/fenced.hpp"

#include <algorithm>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include "ha/election.hpp"

namespace sesmon::daemon {

using namespace boost::asio::experimental::awaitable_operators;

// Written plainly on purpose: GCC 12 mishandles co_await inside a short-circuit condition
// and `co_return co_await` of a non-trivial type (a double free of the outcome's strings).

namespace {

// This member's term once it may act; null when it does not lead or the term ended first.
boost::asio::awaitable<std::shared_ptr<ha::leadership_term>> acting_term(ha::election& election) {
    auto term = election.leadership();
    if (!term)
        co_return nullptr;
    if (term->may_act())
        co_return term;
    const bool open = co_await term->until_may_act();
    if (!open)
        term.reset();
    co_return term;
}

}  // namespace

boost::asio::awaitable<progress_result> fenced_source::fetch_progress(cluster_target target) {
    const auto term = co_await acting_term(election_);
    if (!term) {
        co_return api_error{api_error_kind::network,
                            0,
                            "",
                            "not polled: this member does not lead the group",
                            {},
                            false};
    }
    target.deadline = std::min(target.deadline, term->deadline());
    progress_result result = co_await inner_.fetch_progress(std::move(target));
    co_return result;
}

boost::asio::awaitable<cluster_list_result> fenced_list_source::fetch_cluster_page(
    std::string region, int page_no, int page_size) {
    const auto term = co_await acting_term(election_);
    if (!term) {
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

boost::asio::awaitable<delivery_outcome> fenced_notifier::deliver(const event& e,
                                                                  const delivery_context& context) {
    const auto term = co_await acting_term(election_);
    delivery_outcome outcome;
    outcome.result = delivery_outcome::kind::retry;
    if (!term) {
        outcome.detail = "not sent: this member does not lead the group";
        co_return outcome;
    }
    delivery_context bounded;
    bounded.deadline = std::min(context.deadline, term->deadline());
    bounded.may_continue = [term, outer = context.may_continue] {
        return term->may_act() && (!outer || outer());
    };
    // The term's end cancels the attempt (a depose or a stop while it runs).
    auto raced = co_await (inner_->deliver(e, bounded) || term->until_ended());
    if (raced.index() == 1) {
        outcome.detail = "cut: this member's leadership ended during the attempt";
        co_return outcome;
    }
    outcome = std::move(std::get<0>(raced));
    co_return outcome;
}

}  // namespace sesmon::daemon
