// election, the leader's side: renewing the term (keep-alive, then the leader key), pausing
// when it lapses, stepping down when it cannot be kept, resigning at SIGTERM.
#include <spdlog/spdlog.h>

#include "common/time_format.hpp"
#include "ha/election.hpp"

namespace sesmon::ha {

namespace asio = boost::asio;

bool election::holds(const key_value& kv, const term& mine) const {
    return kv.create_revision == mine.leader_revision && kv.lease == mine.lease &&
           kv.value == options_.member;
}

std::string election::lost_key(const key_value& kv, const term& mine) const {
    if (kv.create_revision != mine.leader_revision)
        return "member " + kv.value + " holds the leader key now";
    return "the leader key was rewritten while its lease lived (it names \"" + kv.value +
           "\", lease " + std::to_string(kv.lease) + ")";
}

void election::set_paused(bool paused) {
    if (paused == paused_)
        return;
    paused_ = paused;
    if (paused) {
        log_->warn(
            "HA: leadership not confirmed by etcd for {}: polling and delivering paused until "
            "it is",
            common::format_duration(options_.ttl / 2));
    } else {
        log_->info("HA: leadership confirmed again: polling and delivering resume");
    }
    notify_changed();
}

asio::awaitable<void> election::lead() {
    const duration renew_every = options_.ttl / 6;
    const duration retry_pause = std::max<duration>(options_.ttl / 24, duration(10));
    const auto mine = term_;
    while (role_ == role::leader && term_ == mine && !stopped_) {
        const steady_time due = mine->confirmed_sent() + renew_every;
        if (clock_.steady_now() < due) {
            co_await sleep(std::chrono::duration_cast<duration>(due - clock_.steady_now()));
            continue;  // woken early, or due now: look again
        }
        const auto outcome = co_await renew(mine);
        if (outcome != renewal::unconfirmed || role_ != role::leader || term_ != mine || stopped_)
            continue;  // confirmed (the loop sleeps until the next one is due), or over
        const auto since = clock_.steady_now() - mine->confirmed_sent();
        if (since >= options_.ttl) {
            depose("its lease could not be renewed for " +
                   common::format_duration(std::chrono::duration_cast<duration>(since)) +
                   " (the lease TTL): it has expired in etcd");
            co_return;
        }
        if (since >= options_.ttl / 2)
            set_paused(true);
        co_await sleep(retry_pause);
    }
}

// The keep-alive first: its send time is what the deadline moves to. Then the leader key,
// read after etcd confirmed the lease: only when it is still this term's is the renewal
// confirmed. Either failing to answer leaves the deadline where it was.
asio::awaitable<election::renewal> election::renew(std::shared_ptr<leadership_term> mine) {
    const steady_time sent = clock_.steady_now();
    auto kept = co_await client_.lease_keepalive(mine->id().lease, request_timeout());
    if (role_ != role::leader || term_ != mine || stopped_)
        co_return renewal::over;
    note_etcd(kept ? std::nullopt : std::optional(kept.error()));
    if (!kept)
        co_return renewal::unconfirmed;
    if (kept->ttl <= 0) {
        depose("etcd says its lease " + std::to_string(mine->id().lease) +
               " is gone (expired or revoked)");
        co_return renewal::over;
    }
    range_request read_key{options_.leader_key};
    auto key = co_await client_.range(std::move(read_key), request_timeout());
    if (role_ != role::leader || term_ != mine || stopped_)
        co_return renewal::over;
    note_etcd(key ? std::nullopt : std::optional(key.error()));
    if (!key)
        co_return renewal::unconfirmed;
    if (key->kvs.empty() || !holds(key->kvs.front(), mine->id())) {
        depose(key->kvs.empty() ? "the leader key was deleted while its lease lived"
                                : lost_key(key->kvs.front(), mine->id()));
        co_return renewal::over;
    }
    const auto unconfirmed_for =
        std::chrono::duration_cast<duration>(clock_.steady_now() - mine->confirmed_sent());
    if (mine->renewed(sent) && !paused_) {
        // Lapsed without a failed renewal to say so: the process did not run (SIGSTOP, a VM
        // pause, swapping) or etcd answered late. Its acts waited; they go on now.
        log_->warn(
            "HA: leadership was not confirmed for {} (this process did not run, or etcd "
            "answered late): polling and delivering waited, and resume now",
            common::format_duration(unconfirmed_for));
        notify_changed();
    }
    set_paused(false);
    co_return renewal::confirmed;
}

asio::awaitable<void> election::resign() {
    stopped_ = true;
    wake();
    end_term();
    if (role_ == role::leader && term_) {
        const term mine = term_->id();
        role_ = role::unknown;
        term_.reset();
        auto revoked = co_await client_.lease_revoke(mine.lease, request_timeout());
        if (revoked) {
            log_->info("HA: member {} resigned: lease {} revoked, a standby takes over now",
                       options_.member, mine.lease);
        } else {
            log_->warn(
                "HA: member {} could not revoke its lease ({}); a standby takes over "
                "when it expires",
                options_.member, revoked.error().describe());
        }
        notify_changed();
    }
    if (stale_lease_ != 0)
        co_await client_.lease_revoke(stale_lease_, request_timeout());
}

}  // namespace sesmon::ha
