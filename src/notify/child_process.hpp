#pragma once
// run_process: runs a program without a shell, feeds it bytes on stdin, and waits for it
// without blocking the event loop — for the command notifier.
//
// - argv[0] is run as given, never looked up in PATH (the configuration requires an
//   absolute path). The child's environment is exactly `environment` ("KEY=value" entries;
//   nothing is inherited), with default signal dispositions, an empty signal mask, and its
//   own process group.
// - stdin is one end of a Unix socket pair (writes use MSG_NOSIGNAL, so a child that exits
//   without reading cannot kill the daemon with SIGPIPE); it is closed after `input` is
//   written. stdout and stderr go to the daemon's stderr (the journal).
// - Exit is detected by polling waitid(WNOHANG | WNOWAIT) on a short timer (5 ms growing to
//   50 ms); the event loop never blocks.
// - On timeout the process group gets SIGTERM, then SIGKILL after `kill_grace`; the leader is
//   still an unreaped zombie at that point, so the group id cannot have been reused.
// - `hard_deadline` (the delivery's, e.g. an HA leadership term's end) is never passed: the
//   group gets SIGKILL at it, with no grace, whatever the timeout says.
// - If the waiting coroutine is cancelled or destroyed, the group is SIGKILLed and reaped.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "sesmon/time.hpp"

namespace sesmon::notify {

struct process_result {
    bool started = false;    // false: spawn failed, see `error`
    bool timed_out = false;  // killed because `timeout` passed
    bool cut = false;        // killed at the hard deadline, before its timeout
    int exit_code = -1;      // when it exited normally
    int signal = 0;          // when a signal ended it
    std::string error;       // spawn failure, one line

    bool succeeded() const { return started && !timed_out && !cut && exit_code == 0; }
    // "exit 0", "exit 3", "killed by signal 9", "timed out after 30s", "killed at the
    // attempt's deadline, before its timeout of 30s", "cannot start: ...".
    std::string describe(duration timeout) const;
};

boost::asio::awaitable<process_result> run_process(std::vector<std::string> argv,
                                                   std::vector<std::string> environment,
                                                   std::string input, duration timeout,
                                                   duration kill_grace = std::chrono::seconds(2),
                                                   steady_time hard_deadline = steady_time::max());

}  // namespace sesmon::notify
