#pragma once
// manager: makes Alertmanager hold what each cluster's silence record wants (SPEC §14) —
// one worker per cluster with something to do, off the polling and delivery paths.
//
// The record is the cluster runtime's (the `subject`): it hands over a record only once its
// desire is committed, and it writes back what each step learned (the silence's id, the
// version Alertmanager now holds). A step:
// - active, id unknown: look for a silence of ours with the record's marker (one made
//   before a crash); use it, or create one (POST /api/v2/silences);
// - active, id known: read it (GET), then update it in place with Alertmanager's own
//   startsAt and matchers (same id), or — gone, or lapsed while nobody extended it — create
//   a new one; one expired early by hand is left expired (the runtime stops silencing this
//   upgrade);
// - ended: DELETE /api/v2/silence/{id} (or the ones the marker finds).
// Failures are retried with the outbox's policy (exponential backoff, full jitter,
// Retry-After); a refusal (4xx) is retried at max_backoff, so a fixed token or config is
// picked up. "Alertmanager does not answer" is logged once per episode.
//
// In an HA group the daemon passes a fenced http_client: only the leader's requests go out.
// Single-threaded (the daemon's io_context). Workers keep the manager's core alive, so
// destroying the manager while a request is in flight is safe.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sesmon/clock.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/quiet.hpp"
#include "silence/record.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::silence {

// What one step achieved for a record (upgrade_id, generation, version say which).
struct step_result {
    std::string upgrade_id;
    std::uint32_t generation = 0;
    std::uint64_t version = 0;
    std::string silence_id;        // the silence Alertmanager now has for it ("" for none)
    wall_time applied_ends_at{};   // its endsAt (active records)
    bool expired_outside = false;  // expired before its end by someone else: leave it so
};

// The owner of one cluster's record: the cluster runtime.
class subject {
  public:
    virtual ~subject() = default;
    // The record when its desire is committed and Alertmanager does not hold it yet.
    virtual std::optional<silence_record> silence_to_act_on() const = 0;
    virtual void silence_acted(const step_result& result) = 0;
    // The cluster's name, for log lines.
    virtual const std::string& silence_cluster() const = 0;
};

class manager {
  public:
    manager(boost::asio::any_io_executor executor, std::shared_ptr<http_client> client,
            alertmanager_config config, const sesmon::clock& clock,
            std::shared_ptr<spdlog::logger> logger, std::function<double()> random = {});
    ~manager();
    manager(const manager&) = delete;
    manager& operator=(const manager&) = delete;

    // Subjects by key (the cluster's instance_no). A detached subject is never called again.
    void attach(const std::string& key, subject& s);
    void detach(const std::string& key);
    // The subject's record may need acting on (after a commit, or a result).
    void wake(const std::string& key);
    // Stops every worker; requests in flight finish and their results are dropped.
    void close();

    // Requests Alertmanager failed since start (tests and metrics).
    std::uint64_t failures() const;

  private:
    struct core;
    std::shared_ptr<core> core_;
};

}  // namespace sesmon::silence
