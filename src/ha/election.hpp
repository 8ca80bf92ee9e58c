#pragma once
// election: this member's campaign for the leadership of an HA group (SPEC §11), over etcd:
// one leader key held by a lease of `ttl` (Patroni's etcd3 scheme).
//
// - Standby: reads the leader key every ttl/6 (and at once when told the key changed, from
//   the group's watch); when it is absent, grants a lease and creates the key in a
//   create-if-absent transaction (compare create_revision == 0). Winning makes a term:
//   the lease and the key's create_revision, which every write of the leader is fenced on.
// - Leader: renews the lease (keep-alive) every ttl/6; each election request times out after
//   ttl/6. That is Patroni's timing rule, loop + 2 × retry ≤ TTL, with a margin of two: a
//   renewal and two retries fit in ttl/2.
// - Each renewal also reads the leader key: etcd confirming the lease is not enough when the
//   key was deleted or rewritten (an operator's etcdctl) while the lease lives. Only a
//   keep-alive etcd confirmed AND a key found still this term's (same create_revision,
//   lease and value) moves the term's deadline, to the keep-alive's *send* time + ttl/2.
// - The term (leadership_term.hpp) is the gate: may_act() is its. It lapses at its deadline
//   (nothing acts, waiters wait), every confirmed renewal releases its waiters, and it ends
//   at a depose or a stop. A process paused past ttl/2 (SIGSTOP, a VM freeze) finds it
//   lapsed when it wakes, before any timer it had armed runs, until a renewal confirms it.
// - Steps down (deposed) when etcd says the lease is gone, when the leader key was deleted,
//   changed or taken over (seen by a renewal's read or the group's watch, whichever first),
//   when a fenced write of the group store failed its compare, or when ttl passed without a
//   confirmed renewal (etcd unreachable: the lease has expired there).
//   The lease is then revoked as soon as etcd answers, so that nobody waits out its TTL.
// - resign() (SIGTERM) revokes the lease: the key goes with it, and a standby watching the
//   group takes over at once.
// - etcd unreachable: one warning per episode (whoever saw it: election, store, watch
//   report through note_etcd()), one info line when it answers again.
//
// Single-threaded: everything on the executor's thread. Must outlive its run() coroutine
// (stop() then let the executor run, or destroy the executor first). The leader's side
// (renewal, pause, resignation) is in election_leader.cpp.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "ha/etcd_client.hpp"
#include "ha/leadership_term.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/time.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::ha {

struct election_options {
    std::string leader_key;  // e.g. "/ses-upgrade-monitor/default/leader"
    std::string member;      // this member's name: the leader key's value while it leads
    duration ttl = std::chrono::seconds(15);
};

enum class role {
    unknown,  // not known yet, or etcd unreachable
    standby,  // another member leads (or nobody does, and this one is about to try)
    leader,
};
std::string_view to_string(role r);

struct election_status {
    role current = role::unknown;
    std::string member;   // this member
    std::string leader;   // the leading member's name, "" when unknown or none
    bool acting = false;  // may_act()
    // Why this member cannot act or follow right now ("" when all is well): etcd
    // unreachable, leadership not confirmed, ...
    std::string problem;
};

class election {
  public:
    struct observer {
        std::function<void(const term&)> elected;         // this member leads now
        std::function<void(const std::string&)> deposed;  // it does not any more (why)
        std::function<void()> changed;                    // status() changed
    };

    election(boost::asio::any_io_executor executor, etcd_client& client, const sesmon::clock& clock,
             election_options options, std::shared_ptr<spdlog::logger> logger);
    ~election();
    election(const election&) = delete;
    election& operator=(const election&) = delete;

    // Starts campaigning. The observer's calls run on the executor.
    void start(observer o);
    // SIGTERM: stops campaigning and, if leading, revokes the lease (bounded by the request
    // timeout). Returns once done.
    boost::asio::awaitable<void> resign();
    // Stops campaigning; leaves the lease to expire. Idempotent. The loop ends at its next
    // wake-up (a request in flight first completes): destroy the election only once running()
    // is false, or when the event loop will not turn again.
    void stop();
    bool running() const { return running_; }
    // A standby no longer campaigns (the daemon is stopping); a leader keeps renewing.
    void stop_campaigning() { campaigning_ = false; }

    // The current leadership, lapsed or not; null when this member does not lead. Acts hold
    // it for their duration and ask it (leadership_term.hpp).
    std::shared_ptr<leadership_term> leadership() const;
    // The current term's may_act(): false when not leading. Cheap.
    bool may_act() const;
    // The current term's until_may_act(); false at once when not leading.
    boost::asio::awaitable<bool> until_may_act();
    std::optional<term> current_term() const;
    election_status status() const;

    // From the group's watch: the leader key holds `kv`, or does not exist (nullopt), as of
    // etcd revision `revision` (news older than this member's term is ignored).
    void leader_key_changed(const std::optional<key_value>& kv, std::int64_t revision);
    // From the group store: a write fenced on `t` failed its compare.
    void fenced_out(const term& t);
    // Any etcd request's outcome (nullopt: it answered), for the once-per-episode log.
    void note_etcd(const std::optional<etcd_error>& error);

    duration request_timeout() const { return options_.ttl / 6; }

  private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<void> follow();
    boost::asio::awaitable<void> campaign();
    boost::asio::awaitable<void> lead();
    boost::asio::awaitable<void> revoke_stale();
    enum class renewal {
        confirmed,    // the term's deadline moved
        unconfirmed,  // etcd did not answer: retry soon
        over,         // the term ended (deposed, stopped)
    };
    // One renewal of `mine`: the keep-alive, then a read of the leader key.
    boost::asio::awaitable<renewal> renew(std::shared_ptr<leadership_term> mine);
    // Whether `kv` is the leader key as `mine` created it; if not, why (for the depose).
    bool holds(const key_value& kv, const term& mine) const;
    std::string lost_key(const key_value& kv, const term& mine) const;
    boost::asio::awaitable<void> sleep(duration d);
    void wake();
    void depose(const std::string& reason);
    void set_leader(const std::string& name);
    void set_paused(bool paused);
    void notify_changed();
    void end_term();

    boost::asio::any_io_executor executor_;
    etcd_client& client_;
    const sesmon::clock& clock_;
    election_options options_;
    std::shared_ptr<spdlog::logger> log_;
    observer observer_;

    boost::asio::steady_timer wake_timer_;
    role role_ = role::unknown;
    std::string leader_;
    std::shared_ptr<leadership_term> term_;  // while leading
    bool paused_ = false;                    // the lapse was logged
    std::int64_t stale_lease_ = 0;           // to revoke once etcd answers
    // Telling this member's earlier run from another process under the same name: the
    // etcd revision of this run's first read, and the leases this run was granted.
    std::int64_t first_revision_ = 0;
    std::set<std::int64_t> granted_;
    std::int64_t duplicate_lease_ = 0;        // the duplicate's lease last logged
    std::optional<std::string> unreachable_;  // the episode's first error
    steady_time unreachable_since_{};
    bool running_ = false;
    bool stopped_ = false;
    bool campaigning_ = true;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sesmon::ha
