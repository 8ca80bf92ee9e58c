#pragma once
// notifier: one destination for events (log, webhook, command). Implementations live in
// src/notify/<type>_notifier.*, created by notify::make_notifier, which switches on `type:`.
// The dispatcher owns retry, ordering and the durable outbox; a notifier makes one attempt.
#include <boost/asio/awaitable.hpp>
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

class notifier {
  public:
    virtual ~notifier() = default;
    virtual std::string_view name() const = 0;
    // One delivery attempt of `e`. Must not throw for receiver failures.
    virtual boost::asio::awaitable<delivery_outcome> deliver(const event& e) = 0;
};

}  // namespace sesmon
