#pragma once
// notifier: one destination for events (log, webhook, command). Implementations live in
// src/notify/<type>_notifier.*, created by notify::make_notifier, which switches on `type:`.
// The dispatcher owns retry, ordering and the durable outbox; a notifier makes one attempt,
// within the bounds its delivery_context sets.
#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/event.hpp"
#include "sesmon/time.hpp"

namespace sesmon {

struct delivery_outcome {
    enum class kind {
        delivered,  // 2xx, exit 0, or written to the log
        retry,      // transient: network error, timeout, 408, 429, 5xx, non-zero exit
        rejected,   // permanent: other 4xx; goes to the dead-letter file
    };
    kind result = kind::delivered;
    std::string detail;                   // one line for logs: "HTTP 503", "exit 2", ...
    std::optional<duration> retry_after;  // from Retry-After, when the receiver sent one
    int http_status = 0;                  // 0 when not HTTP
    duration latency{};
};

// What bounds one delivery attempt from outside the notifier. In an HA group it is the
// leadership term the attempt runs under (SPEC §12 invariant 3: nothing a member sends
// reaches a receiver after its term ended); a daemon alone passes an unbounded one.
struct delivery_context {
    // No request of the attempt is in flight after this instant (std::chrono::steady_clock,
    // what sesmon::system_clock::steady_now() reads): each request's timeout is cut to end by
    // then (budget()), a child process is killed at it, and a request that would start at or
    // after it does not start (refusal()). max(): the notifier's own timeouts alone.
    steady_time deadline = steady_time::max();
    // Asked before every request of the attempt (PagerDuty's several messages each): false
    // when the attempt must stop there (the term lapsed or ended). Empty: always true.
    std::function<bool()> may_continue;

    // Why a request may not start at `now`, as the outcome's detail; "" when it may.
    std::string refusal(steady_time now) const {
        if (now >= deadline)
            return "not sent: past the attempt's deadline";
        if (may_continue && !may_continue())
            return "not sent: the attempt may not go on (an HA leadership term lapsed or ended)";
        return {};
    }
    // The timeout of a request that starts at `now` and whose own limit is `own`: `own`, cut
    // so that it ends by the deadline (zero when the deadline has passed).
    duration budget(duration own, steady_time now) const {
        if (deadline == steady_time::max())
            return own;
        if (now >= deadline)
            return duration::zero();
        return std::min(own, std::chrono::duration_cast<duration>(deadline - now));
    }
};

class notifier {
  public:
    virtual ~notifier() = default;
    virtual std::string_view name() const = 0;
    // One delivery attempt of `e` within `context` (which outlives the attempt: callers keep
    // it in their frame). A request that may not start is not sent: the outcome is then a
    // retry whose detail starts "not sent:". Must not throw for receiver failures.
    virtual boost::asio::awaitable<delivery_outcome> deliver(const event& e,
                                                             const delivery_context& context) = 0;
};

}  // namespace sesmon
