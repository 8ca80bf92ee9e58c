#pragma once
// handoff: closes the crash window between "a poll's events are in the notifiers' outboxes"
// and "the cluster's state records them as emitted", so that a crash (even SIGKILL)
// neither loses an event nor emits one twice.
//
// For a poll that produced events the daemon does, without yielding to the event loop:
//   1. handoff::write   the events, to <state>/handoff/<instance_no>.json (atomic, fsync)
//   2. store::save      the state that lists their ids as emitted
//   3. dispatcher::submit each event (its outbox files are written)
//   4. handoff::clear   unlink the handoff file
// A crash before 2 leaves a handoff whose ids the saved state does not know: the tracker
// emits those events again on the next poll, so take() drops them. A crash after 2 leaves
// a handoff whose ids the state knows: take() returns them, and the daemon submits each to
// every notifier whose outbox does not hold it yet (nothing is delivered before step 4,
// because delivery only runs once the event loop turns).
// Single-threaded; I/O errors are logged and reported as false, never thrown.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "monitor/cluster_state.hpp"
#include "sesmon/event.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::daemon {

class handoff {
  public:
    handoff(std::filesystem::path state_dir, std::shared_ptr<spdlog::logger> logger);

    bool write(const std::string& instance_no, const std::vector<event>& events);
    void clear(const std::string& instance_no);
    // The cut-off events of a crash after step 2 (see above); removes the file.
    std::vector<event> take(const std::string& instance_no, const monitor::cluster_state& state);
    // True when the notifier's outbox (<state>/outbox/<notifier>/) holds an event with `id`.
    bool in_outbox(const std::string& notifier, const std::string& id) const;

  private:
    std::filesystem::path file_of(const std::string& instance_no) const;

    std::filesystem::path state_dir_;
    std::filesystem::path directory_;
    std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace sesmon::daemon
