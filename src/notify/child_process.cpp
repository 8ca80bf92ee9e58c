#include "notify/child_process.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <variant>

#include "common/time_format.hpp"

namespace sesmon::notify {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

std::string process_result::describe(duration timeout) const {
    if (!started) {
        return "cannot start: " + error;
    }
    if (timed_out) {
        return "timed out after " + common::format_duration(timeout);
    }
    if (cut) {
        return "killed at the attempt's deadline, before its timeout of " +
               common::format_duration(timeout);
    }
    if (signal != 0) {
        return "killed by signal " + std::to_string(signal);
    }
    return "exit " + std::to_string(exit_code);
}

namespace {

// Kills and reaps the child unless it was reaped normally: covers cancellation and a frame
// destroyed with its io_context. The blocking waitpid follows a SIGKILL, so it is short.
struct child_guard {
    pid_t pid = -1;
    bool reaped = false;
    ~child_guard() {
        if (pid > 0 && !reaped) {
            ::kill(-pid, SIGKILL);
            int status = 0;
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
    }
};

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

// Spawns with stdin = `stdin_fd`, stdout = the daemon's stderr. Returns errno on failure.
int spawn(std::vector<std::string>& argv, std::vector<std::string>& env, int stdin_fd, pid_t& pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    sigset_t none;
    sigset_t defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2}) {
        sigaddset(&defaults, s);
    }
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr,
        static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
    auto args = pointers(argv);
    auto envp = pointers(env);
    const int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

// Whether the child has exited, without reaping it (so its pid, and the process group id,
// stay reserved while we may still signal the group).
bool has_exited(pid_t pid) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        return errno == ECHILD;  // reaped elsewhere (SIGCHLD ignored): nothing to wait for
    }
    return info.si_pid == pid;
}

// Polls until the child exits or `deadline` passes; true when it exited.
asio::awaitable<bool> wait_exit(pid_t pid, steady_time deadline) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    duration interval = std::chrono::milliseconds(5);
    while (!has_exited(pid)) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            co_return false;
        }
        timer.expires_at(std::min<steady_time>(now + interval, deadline));
        co_await timer.async_wait(asio::use_awaitable);  // throws when cancelled
        interval = std::min<duration>(interval * 2, std::chrono::milliseconds(50));
    }
    co_return true;
}

// Writes everything, then half-closes so the child sees end of input. Errors (the child
// closed its end) end the write quietly: the exit status tells the story.
asio::awaitable<void> write_input(asio::local::stream_protocol::socket& socket,
                                  const std::string& input) {
    co_await asio::async_write(socket, asio::buffer(input), asio::as_tuple(asio::use_awaitable));
    boost::system::error_code ignored;
    socket.shutdown(asio::socket_base::shutdown_send, ignored);
}

}  // namespace

asio::awaitable<process_result> run_process(std::vector<std::string> argv,
                                            std::vector<std::string> environment, std::string input,
                                            duration timeout, duration kill_grace,
                                            steady_time hard_deadline) {
    process_result result;
    if (argv.empty()) {
        result.error = "empty argv";
        co_return result;
    }
    auto executor = co_await asio::this_coro::executor;
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        result.error = std::string("socketpair: ") + std::strerror(errno);
        co_return result;
    }
    asio::local::stream_protocol::socket ours(executor, asio::local::stream_protocol(), fds[0]);
    child_guard child;
    const int rc = spawn(argv, environment, fds[1], child.pid);
    ::close(fds[1]);
    if (rc != 0) {
        child.pid = -1;
        result.error = argv.front() + ": " + std::strerror(rc);
        co_return result;
    }
    result.started = true;

    // Feed stdin while watching for exit; a child that never reads must not stop the timeout.
    const auto soft_deadline = std::chrono::steady_clock::now() + timeout;
    const auto deadline = std::min(soft_deadline, hard_deadline);
    auto first = co_await (write_input(ours, input) || wait_exit(child.pid, deadline));
    bool exited = first.index() == 1 ? std::get<1>(first) : co_await wait_exit(child.pid, deadline);
    boost::system::error_code ignored;
    ours.close(ignored);
    if (!exited) {
        if (hard_deadline <= soft_deadline) {
            result.cut = true;  // no grace: nothing of it may run past the hard deadline
        } else {
            result.timed_out = true;
            ::kill(-child.pid, SIGTERM);
            exited = co_await wait_exit(
                child.pid, std::min(std::chrono::steady_clock::now() + kill_grace, hard_deadline));
        }
        // The rest of the group, and the leader if it ignored SIGTERM.
        ::kill(-child.pid, SIGKILL);
        if (!exited) {
            co_await wait_exit(child.pid, steady_time::max());
        }
    }
    int status = 0;
    pid_t reaped = 0;
    do {
        reaped = ::waitpid(child.pid, &status, WNOHANG);
    } while (reaped < 0 && errno == EINTR);
    child.reaped = true;
    if (reaped == child.pid) {
        if (WIFEXITED(status)) {
            result.exit_code = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            result.signal = WTERMSIG(status);
        }
    }
    co_return result;
}

}  // namespace sesmon::notify
