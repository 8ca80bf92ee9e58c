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
// - The gate, may_act(): true while this member leads and less than ttl/2 has passed since
//   the send time of the last renewal etcd confirmed. The lease cannot expire in etcd
//   before ttl after that instant, so a leader that stops polling and delivering when the
//   gate closes has stopped before anyone else can lead. Nothing is needed to close it: a
//   process paused past ttl/2 (SIGSTOP, a VM freeze) finds it closed when it wakes, before
//   any timer it had armed runs, until a renewal confirms the lease again.
// - Steps down (deposed) when etcd says the lease is gone, when the leader key was deleted
//   or taken over, when a fenced write of the group store failed its compare, or when ttl
//   passed without a confirmed renewal (etcd unreachable: the lease has expired there).
//   The lease is then revoked as soon as etcd answers, so that nobody waits out its TTL.
// - resign() (SIGTERM) revokes the lease: the key goes with it, and a standby watching the
//   group takes over at once.
// - etcd unreachable: one warning per episode (whoever saw it: election, store, watch
//   report through note_etcd()), one info line when it answers again.
//
// Single-threaded: everything on the executor's thread. Must outlive its run() coroutine
// (stop() then let the executor run, or destroy the executor first).
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

// One leadership term: what the leader's writes are fenced on.
struct term {
    std::int64_t lease = 0;
    std::int64_t leader_revision = 0;  // the leader key's create_revision
    friend bool operator==(const term&, const term&) = default;
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

    // See the gate above. Cheap; call it before every poll and every delivery.
    bool may_act() const;
    // Resumes once may_act() holds again (true), or the term ended (false).
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
    boost::asio::awaitable<void> sleep(duration d);
    void wake();
    void depose(const std::string& reason);
    void set_leader(const std::string& name);
    void set_paused(bool paused);
    void notify_changed();
    void release_waiters();

    boost::asio::any_io_executor executor_;
    etcd_client& client_;
    const sesmon::clock& clock_;
    election_options options_;
    std::shared_ptr<spdlog::logger> log_;
    observer observer_;

    boost::asio::steady_timer wake_timer_;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> gate_waiters_;
    role role_ = role::unknown;
    std::string leader_;
    std::optional<term> term_;
    steady_time confirmed_at_{};  // send time of the last renewal etcd confirmed
    bool paused_ = false;
    std::int64_t stale_lease_ = 0;  // to revoke once etcd answers
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
