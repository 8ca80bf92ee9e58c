#include "ha/election.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/time_format.hpp"

namespace sesmon::ha {

namespace asio = boost::asio;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

std::string_view to_string(role r) {
    switch (r) {
        case role::unknown:
            return "unknown";
        case role::standby:
            return "standby";
        case role::leader:
            return "leader";
    }
    return "unknown";
}

election::election(asio::any_io_executor executor, etcd_client& client, const sesmon::clock& clock,
                   election_options options, std::shared_ptr<spdlog::logger> logger)
    : executor_(std::move(executor)),
      client_(client),
      clock_(clock),
      options_(std::move(options)),
      log_(std::move(logger)),
      wake_timer_(executor_) {}

election::~election() {
    *alive_ = false;
    stop();
}

void election::start(observer o) {
    if (running_)
        return;
    observer_ = std::move(o);
    running_ = true;
    asio::co_spawn(executor_, run(), [this, log = log_, alive = alive_](std::exception_ptr e) {
        if (!*alive)
            return;
        running_ = false;
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log->error("HA: the election stopped: {}", ex.what());
        }
    });
}

void election::stop() {
    stopped_ = true;
    wake();
    end_term();
}

void election::wake() {
    wake_timer_.cancel();
}

void election::end_term() {
    if (term_)
        term_->end();
}

std::shared_ptr<leadership_term> election::leadership() const {
    return role_ == role::leader && !stopped_ ? term_ : nullptr;
}

bool election::may_act() const {
    return role_ == role::leader && !stopped_ && term_ && term_->may_act();
}

asio::awaitable<bool> election::until_may_act() {
    const auto mine = leadership();
    if (!mine)
        co_return false;
    const bool open = co_await mine->until_may_act();
    co_return open;
}

std::optional<term> election::current_term() const {
    if (role_ != role::leader || !term_)
        return std::nullopt;
    return term_->id();
}

election_status election::status() const {
    election_status s;
    s.current = role_;
    s.member = options_.member;
    s.leader = leader_;
    s.acting = may_act();
    if (unreachable_) {
        s.problem = unreachable_->starts_with("etcd unreachable")
                        ? *unreachable_
                        : "etcd unreachable: " + *unreachable_;
    } else if (role_ == role::leader && !s.acting && term_) {
        s.problem = "leadership not confirmed by etcd for " +
                    common::format_duration(std::chrono::duration_cast<duration>(
                        clock_.steady_now() - term_->confirmed_sent())) +
                    ": polling and delivering paused";
    } else if (role_ == role::unknown) {
        s.problem = "no word from etcd yet";
    }
    return s;
}

void election::notify_changed() {
    if (observer_.changed)
        observer_.changed();
}

void election::note_etcd(const std::optional<etcd_error>& error) {
    if (error && error->kind != etcd_error_kind::unreachable &&
        error->grpc_code != grpc_code::unavailable &&
        error->grpc_code != grpc_code::deadline_exceeded && !error->needs_authentication() &&
        error->grpc_code != grpc_code::permission_denied) {
        return;  // an answer, if not the one hoped for: etcd is there
    }
    if (error && !unreachable_) {
        unreachable_ = error->describe();
        unreachable_since_ = clock_.steady_now();
        log_->warn(
            "HA: member {}: {}; it neither polls nor alerts until etcd answers again (logged "
            "once until then)",
            options_.member, *unreachable_);
        notify_changed();
    } else if (!error && unreachable_) {
        log_->info("HA: member {}: etcd answers again (after {})", options_.member,
                   common::format_duration(std::chrono::duration_cast<duration>(
                       clock_.steady_now() - unreachable_since_)));
        unreachable_.reset();
        notify_changed();
    }
}

void election::set_leader(const std::string& name) {
    if (name == leader_)
        return;
    leader_ = name;
    if (role_ != role::leader) {
        if (name.empty()) {
            log_->info("HA: the group {} has no leader; member {} campaigns", options_.leader_key,
                       options_.member);
        } else {
            log_->info("HA: member {} is standby; {} leads", options_.member, name);
        }
    }
    notify_changed();
}

void election::depose(const std::string& reason) {
    if (role_ != role::leader)
        return;
    log_->warn("HA: member {} no longer leads: {}", options_.member, reason);
    stale_lease_ = term_ ? term_->id().lease : 0;
    role_ = role::unknown;
    end_term();
    term_.reset();
    leader_.clear();
    paused_ = false;
    wake();
    if (observer_.deposed)
        observer_.deposed(reason);
    notify_changed();
}

void election::leader_key_changed(const std::optional<key_value>& kv, std::int64_t revision) {
    if (role_ == role::leader) {
        if (term_ && revision < term_->id().leader_revision)
            return;  // read before this term began
        if (!kv) {
            depose("the leader key was deleted");
        } else if (term_ && !holds(*kv, term_->id())) {
            depose(lost_key(*kv, term_->id()));
        }
        return;
    }
    if (!kv) {
        wake();  // campaign now rather than at the next check
    } else if (role_ == role::standby && kv->value != options_.member) {
        // This member's own name: its campaign's answer is on the way, or an earlier run's
        // key that follow() revokes. Neither makes it a standby of itself.
        set_leader(kv->value);
    }
}

void election::fenced_out(const term& t) {
    if (role_ == role::leader && term_ && term_->id() == t)
        depose("a write fenced on the leadership failed: the leader key changed");
}

asio::awaitable<void> election::sleep(duration d) {
    wake_timer_.expires_after(d);
    co_await wake_timer_.async_wait(use_tuple);
}

asio::awaitable<void> election::run() {
    auto alive = alive_;
    while (*alive && !stopped_) {
        if (role_ == role::leader) {
            co_await lead();
        } else {
            co_await follow();
        }
    }
}

asio::awaitable<void> election::revoke_stale() {
    if (stale_lease_ == 0)
        co_return;
    auto revoked = co_await client_.lease_revoke(stale_lease_, request_timeout());
    note_etcd(revoked ? std::nullopt : std::optional(revoked.error()));
    if (revoked)
        stale_lease_ = 0;
}

asio::awaitable<void> election::follow() {
    const duration check_every = options_.ttl / 6;
    co_await revoke_stale();
    // A named request: GCC 12 destroys a braced temporary inside co_await twice.
    range_request read_key{options_.leader_key};
    auto got = co_await client_.range(std::move(read_key), request_timeout());
    if (stopped_)
        co_return;
    note_etcd(got ? std::nullopt : std::optional(got.error()));
    if (!got) {
        if (role_ != role::unknown) {
            role_ = role::unknown;
            leader_.clear();
            notify_changed();
        }
        co_await sleep(check_every);
        co_return;
    }
    if (first_revision_ == 0)
        first_revision_ = got->header.revision;
    if (got->kvs.empty()) {
        if (role_ != role::standby) {
            role_ = role::standby;
            notify_changed();
        }
        set_leader("");
        if (campaigning_) {
            co_await campaign();
        } else {
            co_await sleep(check_every);
        }
        co_return;
    }
    const key_value& holder = got->kvs.front();
    const bool own_name = holder.value == options_.member && holder.lease != 0;
    if (own_name && (holder.create_revision <= first_revision_ || granted_.count(holder.lease))) {
        // This member's name while it does not lead: an earlier run of it (killed), or a
        // term it lost. Either is over, so its lease need not be waited out.
        if (holder.lease != stale_lease_)
            log_->info(
                "HA: the leader key names this member from an earlier run; revoking "
                "its lease {}",
                holder.lease);
        stale_lease_ = holder.lease;
        co_return;
    }
    if (own_name && holder.lease != duplicate_lease_) {
        // Created since this process started, on a lease it never had: another process
        // runs under the same ha.member. Revoking its lease would depose it, and it would
        // then do the same here: follow it instead.
        duplicate_lease_ = holder.lease;
        log_->error(
            "HA: another process leads as member {} (lease {}): ha.member must differ between "
            "the members of a group; this one stays standby",
            options_.member, holder.lease);
    }
    if (role_ != role::standby) {
        role_ = role::standby;
        notify_changed();
    }
    set_leader(holder.value);
    co_await sleep(check_every);
}

asio::awaitable<void> election::campaign() {
    const steady_time sent = clock_.steady_now();
    const auto ttl_seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.ttl).count();
    auto lease = co_await client_.lease_grant(ttl_seconds, request_timeout());
    note_etcd(lease ? std::nullopt : std::optional(lease.error()));
    if (lease) {
        if (granted_.size() >= 64)
            granted_.erase(granted_.begin());  // the oldest
        granted_.insert(lease->id);
    }
    if (!lease || stopped_) {
        if (lease)
            stale_lease_ = lease->id;
        co_await sleep(options_.ttl / 6);
        co_return;
    }
    txn_request t;
    t.compares.push_back(
        {options_.leader_key, compare::target::create, compare::result::equal, 0, ""});
    t.success.emplace_back(put_request{options_.leader_key, options_.member, lease->id});
    t.failure.emplace_back(range_request{options_.leader_key});
    auto won = co_await client_.txn(t, request_timeout());
    note_etcd(won ? std::nullopt : std::optional(won.error()));
    if (!won || !won->succeeded || stopped_) {
        stale_lease_ = lease->id;  // not needed: revoked at the next round
        if (won && !won->succeeded && !won->responses.empty()) {
            const auto* holder = std::get_if<range_response>(&won->responses.front());
            if (holder && !holder->kvs.empty()) {
                role_ = role::standby;
                set_leader(holder->kvs.front().value);
            }
        }
        if (won && won->succeeded) {
            // Won while stopping: give it back at once.
            co_await revoke_stale();
        }
        co_return;
    }
    role_ = role::leader;
    term_ = std::make_shared<leadership_term>(
        executor_, clock_, term{lease->id, won->header.revision}, options_.ttl, sent);
    paused_ = false;
    leader_ = options_.member;
    log_->info("HA: member {} leads the group (leader key {}, lease {}, TTL {} s)", options_.member,
               options_.leader_key, lease->id, lease->ttl);
    if (observer_.elected)
        observer_.elected(term_->id());
    notify_changed();
}

}  // namespace sesmon::ha
