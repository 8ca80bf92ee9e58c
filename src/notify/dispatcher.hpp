#pragma once
// dispatcher: routes events to notifiers with durable, ordered, at-least-once delivery
// (SPEC §5). The daemon owns one.
//
// - submit() applies the cluster's `notify` list and each notifier's `events` filter, writes
//   the event to that notifier's on-disk outbox (state_dir/outbox/<notifier>/) and only
//   then returns; delivery happens later on the executor.
// - Order is kept per (notifier, cluster): a cluster's later event is attempted only after
//   its earlier one was delivered or dead-lettered. Each (notifier, cluster) pair has its own
//   queue, so a slow or dead receiver for one cluster never delays another cluster or
//   another notifier. At most `max_in_flight` attempts run at once per notifier; a queue
//   waiting out a backoff holds no slot.
// - Transient failures are retried with exponential backoff and full jitter, honouring
//   Retry-After; permanent ones, and events older than retry.max_age, go to
//   state_dir/dead-letter/<notifier>.jsonl and are logged at error level.
//
// Threading: not thread-safe. Construct, call and destroy it on the executor's thread (the
// daemon's single io_context thread). Destroying it abandons in-flight attempts; what was
// not delivered stays in the outbox and is resumed by the next dispatcher on that state_dir.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <filesystem>
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

namespace spdlog {
class logger;
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
    std::uint64_t dead_lettered = 0;  // events moved to the dead-letter file
    std::size_t pending = 0;          // events in the outbox now
};

struct dispatcher_options {
    // Concurrent attempts per notifier (across all its clusters).
    std::size_t max_in_flight = 16;
    // Uniform random number in [0, 1) for backoff jitter; empty = a seeded std::mt19937_64.
    std::function<double()> random;
};

class dispatcher {
  public:
    // Reads each notifier's outbox from disk (pending events are queued, not attempted until
    // start()). Throws std::invalid_argument if the factory rejects a configuration.
    dispatcher(boost::asio::any_io_executor executor,
               std::vector<sesmon::notifier_config> notifiers, std::filesystem::path state_dir,
               sesmon::clock& clock, std::shared_ptr<spdlog::logger> logger,
               notifier_factory factory, dispatcher_options options = {});
    ~dispatcher();
    dispatcher(const dispatcher&) = delete;
    dispatcher& operator=(const dispatcher&) = delete;

    // Starts delivering: the pending events found on disk first, then whatever is submitted.
    void start();

    // Queues `e` for each notifier named in `notifier_names` (the cluster's `notify` list)
    // whose filter accepts it. Returns after the event is in the outbox on disk (if the write
    // fails, the failure is logged and the event is still delivered from memory). Unknown
    // names are logged and skipped. Safe to call before start().
    void submit(const sesmon::event& e, const std::vector<std::string>& notifier_names);

    // SIGTERM: keeps delivering for up to `grace` (SPEC §6: 5 s) or until every outbox is
    // empty, then stops every queue. Undelivered events stay in the outbox for the next start.
    // After it returns, submit() only persists.
    boost::asio::awaitable<void> stop(sesmon::duration grace);

    // SIGHUP: notifiers are matched by name. Kept names get the new configuration (a new
    // notifier instance; their queues and outbox continue); new names start; removed names
    // stop, and their outbox stays on disk until a notifier of that name returns. Throws
    // std::invalid_argument (changing nothing) if the factory rejects a configuration.
    void reconfigure(std::vector<sesmon::notifier_config> notifiers);

    // Per notifier name, the configured notifiers only.
    std::map<std::string, notifier_counters> counters() const;

  private:
    std::shared_ptr<delivery_lane> make_lane(const sesmon::notifier_config& config,
                                             std::unique_ptr<sesmon::notifier> instance);

    boost::asio::any_io_executor executor_;
    std::filesystem::path state_dir_;
    sesmon::clock& clock_;
    std::shared_ptr<spdlog::logger> logger_;
    notifier_factory factory_;
    dispatcher_options options_;
    std::shared_ptr<std::function<double()>> random_;
    std::map<std::string, std::shared_ptr<delivery_lane>> lanes_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace sesmon::notify
