#include "notify/command_notifier.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "notify/child_process.hpp"
#include "notify/format_generic.hpp"
#include "sample_event.hpp"
#include "support/run_awaitable.hpp"
#include "support/test_certs.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Whether `pid` is gone (or only a zombie waiting for init to reap it).
bool process_gone(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) {
        return true;
    }
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

class command_notifier_test : public ::testing::Test {
  protected:
    // Writes an executable /bin/sh script into the temp dir and returns its path.
    fs::path script(const std::string& name, const std::string& body) {
        const fs::path path = dir_.path() / name;
        std::ofstream(path) << "#!/bin/sh\n" << body;
        fs::permissions(path, fs::perms::owner_all);
        return path;
    }

    notifier_config config(std::vector<std::string> argv, duration timeout = 5s) {
        notifier_config c;
        c.name = "cmd";
        c.type = notifier_type::command;
        c.argv = std::move(argv);
        c.timeout = timeout;
        return c;
    }

    delivery_outcome deliver(command_notifier& n, const event& e,
                             const delivery_context& context = {}) {
        return sesmon::test::run_awaitable(ioc_, n.deliver(e, context), 10s);
    }

    boost::asio::io_context ioc_;
    sesmon::test::temp_dir dir_;
};

TEST_F(command_notifier_test, child_gets_generic_body_on_stdin_and_event_env_vars) {
    const auto s = script("record.sh",
                          "cat > \"$1/stdin\"\n"
                          "printf '%s\\n%s\\n%s\\n' \"$SES_EVENT_TYPE\" \"$SES_EVENT_ID\" "
                          "\"$SES_CLUSTER\" > \"$1/env\"\n"
                          "printf '%s\\n' \"$HOME\" > \"$1/home\"\n");
    command_notifier n(config({s.string(), dir_.path().string()}));
    const event e = test::stalled_event();
    const auto outcome = deliver(n, e);
    EXPECT_EQ(outcome.result, delivery_outcome::kind::delivered) << outcome.detail;
    EXPECT_EQ(outcome.detail, "exit 0");
    EXPECT_EQ(read_text(dir_.path() / "stdin"), format_generic(e));
    EXPECT_EQ(read_text(dir_.path() / "env"), "upgrade_stalled\n" + e.id + "\nprod-logs\n");
    // HOME of the service is one of the variables passed on.
    const char* home = std::getenv("HOME");
    EXPECT_EQ(read_text(dir_.path() / "home"), std::string(home ? home : "") + "\n");
}

// The child's whole environment, one "KEY=value" per line, sorted; without PWD, which the
// script's /bin/sh sets itself.
std::set<std::string> environment_lines(const std::string& text) {
    std::set<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("PWD=")) {
            lines.insert(line);
        }
    }
    return lines;
}

TEST_F(command_notifier_test, child_environment_is_the_allowlist_and_the_event_only) {
    const auto s = script("env.sh", "/usr/bin/env > \"$1/env\"\n");
    command_notifier n(
        config({s.string(), dir_.path().string()}), 2s,
        {"PATH=/opt/hooks/bin:/usr/bin", "LANG=C.UTF-8", "LC_ALL=C", "LC_TIME=C", "TZ=Asia/Seoul",
         "HOME=/var/lib/ses-upgrade-monitor", "SES_TEAM=search", "SES_EVENT_TYPE=forged",
         "NCLOUD_ACCESS_KEY=AK-CANARY", "NCLOUD_SECRET_KEY=SK-CANARY",
         "CREDENTIALS_DIRECTORY=/run/credentials/x", "NOTIFY_SOCKET=/run/systemd/notify", "LC_=odd",
         "LD_PRELOAD=/tmp/evil.so", "PATHOLOGICAL=1"});
    const event e = test::stalled_event();
    ASSERT_EQ(deliver(n, e).result, delivery_outcome::kind::delivered);
    EXPECT_EQ(
        environment_lines(read_text(dir_.path() / "env")),
        (std::set<std::string>{"PATH=/opt/hooks/bin:/usr/bin", "LANG=C.UTF-8", "LC_ALL=C",
                               "LC_TIME=C", "TZ=Asia/Seoul", "HOME=/var/lib/ses-upgrade-monitor",
                               "SES_TEAM=search", "SES_EVENT_TYPE=upgrade_stalled",
                               "SES_EVENT_ID=" + e.id, "SES_CLUSTER=prod-logs"}));
}

TEST_F(command_notifier_test, daemon_secrets_in_the_real_environment_do_not_reach_the_child) {
    ::setenv("NCLOUD_SECRET_KEY", "SK-CANARY-ENV-5d1e", 1);
    ::setenv("CREDENTIALS_DIRECTORY", "/run/credentials/CANARY", 1);
    const auto s = script("env.sh", "/usr/bin/env > \"$1/env\"\n");
    command_notifier n(config({s.string(), dir_.path().string()}));
    ::unsetenv("NCLOUD_SECRET_KEY");
    ::unsetenv("CREDENTIALS_DIRECTORY");
    ASSERT_EQ(deliver(n, test::stalled_event()).result, delivery_outcome::kind::delivered);
    const std::string env = read_text(dir_.path() / "env");
    EXPECT_EQ(env.find("CANARY"), std::string::npos) << env;
    EXPECT_NE(env.find("PATH="), std::string::npos) << env;
}

TEST_F(command_notifier_test, without_path_in_the_daemon_a_default_path_is_set) {
    const auto env = command_environment({"HOME=/root"}, test::stalled_event());
    EXPECT_NE(std::find(env.begin(), env.end(), "PATH=/usr/local/bin:/usr/bin:/bin"), env.end());
}

TEST_F(command_notifier_test, a_program_that_is_not_an_absolute_path_is_refused) {
    // No PATH lookup: the configuration requires an absolute path, and so does the notifier.
    EXPECT_THROW(command_notifier(config({"true"})), std::invalid_argument);
    EXPECT_THROW(command_notifier(config({"bin/true"})), std::invalid_argument);
}

TEST_F(command_notifier_test, nonzero_exit_and_signals_are_retried) {
    command_notifier exits(config({script("fail.sh", "exit 3\n").string()}));
    auto outcome = deliver(exits, test::stalled_event());
    EXPECT_EQ(outcome.result, delivery_outcome::kind::retry);
    EXPECT_EQ(outcome.detail, "exit 3");

    command_notifier killed(config({script("die.sh", "kill -9 $$\n").string()}));
    outcome = deliver(killed, test::stalled_event());
    EXPECT_EQ(outcome.result, delivery_outcome::kind::retry);
    EXPECT_EQ(outcome.detail, "killed by signal 9");
}

TEST_F(command_notifier_test, missing_program_is_retried_with_the_reason) {
    command_notifier n(config({(dir_.path() / "no-such-program").string()}));
    const auto outcome = deliver(n, test::stalled_event());
    EXPECT_EQ(outcome.result, delivery_outcome::kind::retry);
    EXPECT_NE(outcome.detail.find("cannot start"), std::string::npos) << outcome.detail;
    EXPECT_NE(outcome.detail.find("No such file"), std::string::npos) << outcome.detail;
}

TEST_F(command_notifier_test, timeout_kills_the_whole_process_group_even_if_it_ignores_sigterm) {
    const fs::path pid_file = dir_.path() / "grandchild.pid";
    const auto s = script("hang.sh",
                          "trap '' TERM\n"
                          "sleep 30 &\n"
                          "echo $! > \"$1\"\n"
                          "wait\n");
    command_notifier n(config({s.string(), pid_file.string()}, 300ms), 200ms);
    const auto began = std::chrono::steady_clock::now();
    const auto outcome = deliver(n, test::stalled_event());
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_EQ(outcome.result, delivery_outcome::kind::retry);
    EXPECT_EQ(outcome.detail, "timed out after 300ms");
    EXPECT_GE(took, 480ms);  // timeout, then the SIGTERM grace
    EXPECT_LT(took, 3s);
    const pid_t grandchild = std::stoi(read_text(pid_file));
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!process_gone(grandchild) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(process_gone(grandchild)) << "pid " << grandchild << " survived";
}

TEST_F(command_notifier_test, a_running_command_does_not_block_the_event_loop) {
    command_notifier n(config({script("slow.sh", "sleep 0.4\n").string()}));
    boost::asio::steady_timer timer(ioc_, 50ms);
    std::chrono::steady_clock::time_point fired{};
    timer.async_wait([&](boost::system::error_code) { fired = std::chrono::steady_clock::now(); });
    const auto outcome = deliver(n, test::stalled_event());
    const auto finished = std::chrono::steady_clock::now();
    EXPECT_EQ(outcome.result, delivery_outcome::kind::delivered);
    ASSERT_NE(fired, std::chrono::steady_clock::time_point{});
    EXPECT_LT(fired + 200ms, finished);
}

TEST_F(command_notifier_test, child_that_ignores_stdin_cannot_kill_the_daemon_with_sigpipe) {
    // 4 MiB is far beyond any socket buffer: the writes fail once the child has exited.
    const auto result = sesmon::test::run_awaitable(
        ioc_, run_process({"/bin/true"}, {}, std::string(4 << 20, 'x'), 5s), 10s);
    EXPECT_TRUE(result.succeeded()) << result.describe(5s);
}

TEST_F(command_notifier_test, empty_argv_is_refused_at_construction) {
    EXPECT_THROW(command_notifier(config({})), std::invalid_argument);
}

// Issue 21: the delivery context's deadline (an HA member's term) is hard: the group is
// SIGKILLed at it, with no SIGTERM grace, even though the notifier's own timeout is far off.
TEST_F(command_notifier_test, the_context_deadline_kills_the_group_at_once) {
    const fs::path pid_file = dir_.path() / "grandchild.pid";
    const auto s = script("hang.sh", "sleep 30 &\necho $! > \"$1\"\nwait\n");
    command_notifier n(config({s.string(), pid_file.string()}, 30s), 2s);
    delivery_context context;
    const auto began = std::chrono::steady_clock::now();
    context.deadline = began + 300ms;
    const auto outcome = deliver(n, test::stalled_event(), context);
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_EQ(outcome.result, delivery_outcome::kind::retry);
    EXPECT_EQ(outcome.detail, "killed at the attempt's deadline, before its timeout of 30s");
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 300ms + 400ms);  // no 2 s grace; stated slack for a loaded machine
    const pid_t grandchild = std::stoi(read_text(pid_file));
    const auto gone_by = std::chrono::steady_clock::now() + 2s;
    while (!process_gone(grandchild) && std::chrono::steady_clock::now() < gone_by)
        std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(process_gone(grandchild)) << "pid " << grandchild << " survived";
}

// A timeout before the deadline: SIGTERM at the timeout as usual, but the SIGKILL that follows
// comes at the deadline when that is sooner than the grace.
TEST_F(command_notifier_test, the_sigterm_grace_ends_at_the_context_deadline) {
    const auto s = script("stubborn.sh", "trap '' TERM\nsleep 30 &\nwait\n");
    command_notifier n(config({s.string()}, 200ms), 5s);
    delivery_context context;
    const auto began = std::chrono::steady_clock::now();
    context.deadline = began + 600ms;
    const auto outcome = deliver(n, test::stalled_event(), context);
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_EQ(outcome.detail, "timed out after 200ms");
    EXPECT_GE(took, 600ms);
    EXPECT_LT(took, 600ms + 400ms);  // not 200 ms + 5 s
}

TEST_F(command_notifier_test, past_the_context_deadline_no_program_starts) {
    const fs::path ran = dir_.path() / "ran";
    command_notifier n(config({script("touch.sh", "touch \"$1\"\n").string(), ran.string()}));
    delivery_context context;
    context.deadline = std::chrono::steady_clock::now();
    const auto outcome = deliver(n, test::stalled_event(), context);
    EXPECT_EQ(outcome.result, delivery_outcome::kind::retry);
    EXPECT_EQ(outcome.detail, "not sent: past the attempt's deadline");
    EXPECT_FALSE(fs::exists(ran));
}

}  // namespace
}  // namespace sesmon::notify
