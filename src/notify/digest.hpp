#pragma once
// digest: `digest: 5m` on a notifier (SPEC §14) — the events of `digest_events` (default
// node_changed) of one cluster are folded into one message per period. Pure: the delivery
// lane asks plan_digest() about the front of a cluster's queue and sends what it says.
//
// The rules (docs/webhooks.md, "Digests"):
// - A digest starts with the first foldable event at the front of the queue and takes the
//   foldable events queued after it whose occurred_at is within `digest` of it (at most
//   max_digest_members). It goes out when that period has passed — or at once when
//   anything else is queued behind it (order per cluster holds: a pending digest is sent
//   before an upgrade_started, finished, failed or stalled, which are never delayed).
// - Its members keep their own outbox rows: delivered together, retried together; after a
//   restart the same rows make the same digest (same members: the same id).
// - A digest of one event is that event, sent as it is.
#include <cstddef>
#include <vector>

#include "notify/message_text.hpp"
#include "sesmon/config.hpp"
#include "sesmon/event.hpp"
#include "sesmon/time.hpp"

namespace sesmon::notify {

inline constexpr std::size_t max_digest_members = 50;

struct digest_decision {
    enum class kind {
        single,  // send the front event alone
        fold,    // send the first `count` events as one digest
        wait,    // the period runs until `due`: wait (or until something else is queued)
    };
    kind what = kind::single;
    std::size_t count = 1;
    wall_time due{};
};

// Whether `config` folds events of `type`.
bool folds(const sesmon::notifier_config& config, sesmon::event_type type);

// `queue`: the cluster's queued events, front first. `now`: the lane's wall clock.
digest_decision plan_digest(const sesmon::notifier_config& config,
                            const std::vector<const sesmon::event*>& queue, wall_time now);

// The message of a fold: the last member's upgrade, summary over all of them, `digest` the
// members; its id is derived from theirs. The summaries — the digest's and its members' —
// are in the notifier's language (`options`): formats send them as they are.
sesmon::event make_digest(const std::vector<const sesmon::event*>& members,
                          const text_options& options);

}  // namespace sesmon::notify
