#pragma once
// dispatcher: delivers committed events to notifiers — ordered, at-least-once, with retries
// (SPEC §5). The daemon owns one.
//
// Durability is the state store's: the daemon asks route() which notifiers an event goes
// to, commits the event with those outbox rows (state::store::commit), and only then hands
// it over with enqueue(). The dispatcher writes back what became of each delivery
// (delivered, retry scheduled, dead) through state::store::record. At start it resumes the
// pending rows the store loaded.
// - Order is kept per (notifier, cluster): a cluster's later event is attempted only after
//   its earlier one was delivered or dead-lettered. Each (notifier, cluster) pair has its own
//   queue, so a slow or dead receiver for one cluster never delays another cluster or
//   another notifier. At most `max_in_flight` attempts run at once per notifier; a queue
//   waiting out a backoff holds no slot.
// - Transient failures are retried with exponential backoff and full jitter, honouring
//   Retry-After; permanent ones, and events older than retry.max_age, are dead (kept in the
//   store, `ses-upgrade-monitor deliveries --dead`) and logged at error level.
//
// Threading: not thread-safe. Construct, call and destroy it on the executor's thread (the
// daemon's single io_context thread). Destroying it abandons in-flight attempts; what was
// not delivered stays pending in the store and is resumed at the next start.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/event.hpp"
#include "sesmon/notifier.hpp"
#include "sesmon/time.hpp"
#include "state/records.hpp"

namespace spdlog {
class logger;
}
namespace sesmon::state {
class store;
}

namespace sesmon::notify {

class delivery_lane;

// Builds the notifier for a configuration; the daemon binds make_notifier (factory.hpp) with
// its deps, tests pass fakes. May throw std::invalid_argument for an unusable configuration.
using notifier_factory =
    std::function<std::unique_ptr<sesmon::notifier>(const sesmon::notifier_config&)>;

// Delivery statistics of one notifier, for /metrics and status.
struct notifier_counters {
    std::uint64_t delivered = 0;      // attempts that succeeded
    std::uint64_t retried = 0;        // attempts that failed transiently (each one counts)
    std::uint64_t dead_lettered = 0;  // deliveries given up (dead)
    std::size_t pending = 0;          // deliveries waiting now
};

struct dispatcher_options {
    // Concurrent attempts per notifier (across all its clusters).
    std::size_t max_in_flight = 16;
    // Uniform random number in [0, 1) for backoff jitter; empty = a seeded std::mt19937_64.
    std::function<double()> random;
};

class dispatcher {
  public:
    // Queues `pending` (the store's pending deliveries, in outbox order) for their notifiers;
    // rows of notifiers not configured stay in the store. Nothing is attempted before
    // start(). Throws std::invalid_argument if the factory rejects a configuration.
    dispatcher(boost::asio::any_io_executor executor,
               std::vector<sesmon::notifier_config> notifiers, state::store& store,
               std::vector<state::delivery_record> pending, sesmon::clock& clock,
               std::shared_ptr<spdlog::logger> logger, notifier_factory factory,
               dispatcher_options options = {});
    ~dispatcher();
    dispatcher(const dispatcher&) = delete;
    dispatcher& operator=(const dispatcher&) = delete;

    // Starts delivering: the pending deliveries from the store first, then what is enqueued.
    void start();

    // The notifiers `e` goes to (routing.hpp): by the routes when there are any, else the
    // names of the cluster's `notify` list whose filter accepts it. Unknown names are logged.
    std::vector<std::string> route(const sesmon::event& e,
                                   const std::vector<std::string>& notify_list) const;
    // The `routes:` of the configuration (SPEC §14); empty: none. At start and reload.
    void set_routes(std::vector<sesmon::route_config> routes);

    // Queues a committed event for `notifiers` (what route() said when it was committed;
    // names no longer configured are skipped: their rows stay pending in the store).
    // Safe to call before start().
    void enqueue(const sesmon::event& e, const std::vector<std::string>& notifiers);

    // SIGTERM: keeps delivering for up to `grace` (SPEC §6: 5 s) or until nothing is
    // pending, then stops every queue. Undelivered events stay pending in the store for the
    // next start. After it returns, enqueue() only counts.
    boost::asio::awaitable<void> stop(sesmon::duration grace);

    // SIGHUP: notifiers are matched by name. Kept names get the new configuration (a new
    // notifier instance; their queues continue); new names start with their pending rows,
    // read from the store; removed names stop, and their rows stay pending in the store
    // until a notifier of that name returns. Throws std::invalid_argument (changing nothing)
    // if the factory rejects a configuration.
    void reconfigure(std::vector<sesmon::notifier_config> notifiers);

    // Per notifier name, the configured notifiers only.
    std::map<std::string, notifier_counters> counters() const;

    // The clock given at construction moved by more than real time did (tests drive a
    // manual clock): digests waiting for their period look at it again.
    void clock_moved();

  private:
    std::shared_ptr<delivery_lane> make_lane(const sesmon::notifier_config& config,
                                             std::unique_ptr<sesmon::notifier> instance);

    boost::asio::any_io_executor executor_;
    state::store& store_;
    sesmon::clock& clock_;
    std::shared_ptr<spdlog::logger> logger_;
    notifier_factory factory_;
    dispatcher_options options_;
    std::shared_ptr<std::function<double()>> random_;
    std::map<std::string, std::shared_ptr<delivery_lane>> lanes_;
    std::vector<sesmon::route_config> routes_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace sesmon::notify
