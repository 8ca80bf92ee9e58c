#pragma once
// leadership_term: one leadership of this member of an HA group, and the one object that says
// whether the member may act (ARCHITECTURE.md "Failure model"; SPEC §11, §12 invariant 3).
//
// - It begins when the election wins the leader key. Its identity (id(): the lease and the
//   key's create_revision) is what the group store fences its writes on.
// - It has one deadline: the *send* time of the last keep-alive that etcd confirmed, and after
//   which the leader key was found still this term's, + ttl/2. etcd cannot expire the lease
//   before ttl after that send, so whatever is bounded by the deadline has ended ttl/2 before
//   another member can lead. Only such a renewal moves the deadline (renewed(); forward only).
// - Everything that acts (polls, deliveries) asks may_act() right before it starts and carries
//   deadline() as its own: a send is cut at it, one that would start after it does not start.
// - Past the deadline the term has lapsed: nothing may act, and waiters (until_may_act) wait.
//   Every confirmed renewal releases them to look again, so a leader that was paused (SIGSTOP,
//   a VM freeze, a late answer) acts again as soon as etcd has confirmed it. No timer closes
//   the gate: a process that did not run finds the deadline passed when it wakes.
// - It ends for good at a depose (lease gone, leader key deleted or changed, a fenced write
//   refused, no renewal for a whole ttl) or a stop: may_act() is false from then on, waiters
//   resume with false, and until_ended() resumes (acts race it to be cancelled at the end).
//
// Single-threaded: the election's executor. Shared (std::shared_ptr) by the election and the
// acts that wait on it, so a waiter outlives nothing it needs.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>

#include "sesmon/clock.hpp"
#include "sesmon/time.hpp"

namespace sesmon::ha {

// A leadership's identity: what the leader's writes are fenced on.
struct term {
    std::int64_t lease = 0;
    std::int64_t leader_revision = 0;  // the leader key's create_revision
    friend bool operator==(const term&, const term&) = default;
};

class leadership_term {
  public:
    // `confirmed_sent`: the send time of the request that confirmed the lease (the grant).
    leadership_term(boost::asio::any_io_executor executor, const sesmon::clock& clock, term id,
                    duration ttl, steady_time confirmed_sent);
    ~leadership_term();
    leadership_term(const leadership_term&) = delete;
    leadership_term& operator=(const leadership_term&) = delete;

    const term& id() const { return id_; }
    // Nothing this term started may act after this instant (steady clock).
    steady_time deadline() const { return confirmed_sent_ + ttl_ / 2; }
    // The send time of the last confirmed renewal (or of the grant).
    steady_time confirmed_sent() const { return confirmed_sent_; }
    bool ended() const { return ended_; }
    // Not ended, and before the deadline.
    bool may_act() const;

    // Resumes with true once may_act() holds (at once when it does), with false when the
    // term ends or the caller is cancelled.
    boost::asio::awaitable<bool> until_may_act();
    // Resumes once the term has ended (at once when it has), or when the caller is cancelled.
    boost::asio::awaitable<void> until_ended();

    // The election: etcd confirmed a keep-alive sent at `sent`, and the leader key was found
    // this term's after it. Moves the deadline and releases every waiter. Returns whether the
    // term had lapsed (its deadline had passed) before this renewal.
    bool renewed(steady_time sent);
    // The election: the term is over (idempotent).
    void end();

  private:
    boost::asio::any_io_executor executor_;
    const sesmon::clock& clock_;
    term id_;
    duration ttl_;
    steady_time confirmed_sent_;
    bool ended_ = false;
    // Never expires: cancelled at each renewal and at the end, which wakes every waiter.
    boost::asio::steady_timer changed_;
};

}  // namespace sesmon::ha
