#pragma once
// spawn: starts a real server program for a test (etcd, Alertmanager) as a child process —
// stdout and stderr appended to `log_file`, killed with the test process if that dies
// (PR_SET_PDEATHSIG). No shell, no PATH lookup: args[0] is the program's absolute path.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sesmon::test {

// The child's pid; throws std::runtime_error when fork fails. An exec failure is exit 127.
pid_t spawn_logged(std::vector<std::string> args, const std::filesystem::path& log_file);

}  // namespace sesmon::test
