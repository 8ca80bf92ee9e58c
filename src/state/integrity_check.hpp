#pragma once
// integrity_check: PRAGMA quick_check of state.db once after start, on a thread of its own
// with its own read-only connection — a WAL reader, so commits never wait for it however
// large the file (docs/performance.md, "The integrity check at start"). Damage found marks the
// file to be moved aside at the next start (check_integrity) and is reported through
// `on_damage`, from the check's thread; a sound file is one info line with the time it took.
// close() interrupts a check in progress.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "sesmon/time.hpp"
#include "state/worker_thread.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

class integrity_check {
  public:
    integrity_check(std::filesystem::path directory,
                    std::function<void(const std::string& problem)> on_damage,
                    std::shared_ptr<spdlog::logger> log, std::function<void()> before_check = {});
    ~integrity_check();
    integrity_check(const integrity_check&) = delete;
    integrity_check& operator=(const integrity_check&) = delete;

    // Interrupts the check and waits at most `max_wait` for its thread; false when left behind.
    bool close(duration max_wait);

  private:
    struct core;
    std::shared_ptr<core> core_;
    worker_thread thread_;
};

}  // namespace sesmon::state
