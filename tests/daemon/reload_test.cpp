// SIGHUP is all-or-nothing, takes effect everywhere (log notifiers included), and leaves
// nothing behind; a second SIGTERM during the stop exits at once. End to end against the
// simulator.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <sstream>

#include "harness.hpp"

namespace sesmon::daemon_test {
namespace {

// A TCP port on 127.0.0.1 that accepts connections into its backlog and never answers: a
// receiver that hangs, or an address that is taken.
class silent_listener {
  public:
    silent_listener() {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 16) != 0 ||
            getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error("silent_listener");
        }
        port_ = ntohs(addr.sin_port);
    }
    ~silent_listener() {
        for (int c : accepted_)
            close(c);
        close(fd_);
    }
    unsigned short port() const { return port_; }
    // Accepts one connection (kept open, never answered); false if none came within `timeout`.
    bool accept_one(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) != 1)
            return false;
        const int c = accept(fd_, nullptr, nullptr);
        if (c < 0)
            return false;
        accepted_.push_back(c);
        return true;
    }

  private:
    int fd_ = -1;
    unsigned short port_ = 0;
    std::vector<int> accepted_;
};

bool logged(daemon_process& d, const std::string& text, std::chrono::milliseconds timeout = 5s) {
    return wait_until([&] { return d.log_text().find(text) != std::string::npos; }, timeout);
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

// The simulator playing episodes.yaml (frozen time) and the daemon watching one cluster.
class daemon_reload_test : public ::testing::Test {
  protected:
    void SetUp() override {
        sim_.emplace(dir_.path(), "tests/daemon/scenarios/episodes.yaml", 0);
        spec_.endpoint = sim_->url();
        spec_.clusters = {{"stuck", "1037301", ""}};
    }
    // Writes the configuration `spec` describes (the one the daemon reads at start and on
    // SIGHUP).
    void write(const daemon_spec& spec) { write_text(config_, daemon_config(spec, dir_.path())); }
    daemon_process& start() {
        write(spec_);
        d_.emplace(config_, dir_.path() / "daemon.log");
        EXPECT_TRUE(d_->wait_polls("stuck", 2)) << d_->log_text();
        return *d_;
    }
    void reload(const daemon_spec& spec) {
        write(spec);
        d_->process().signal(SIGHUP);
    }

    temp_dir dir_;
    std::optional<simulator> sim_;
    daemon_spec spec_;
    fs::path config_ = dir_.path() / "config.yaml";
    std::optional<daemon_process> d_;
};

TEST_F(daemon_reload_test, failed_reload_changes_nothing_not_even_the_api_client) {
    silent_listener taken;  // the new server address is in use
    auto& d = start();
    // A new api section (an endpoint where nothing answers) and a server that cannot bind.
    daemon_spec next = spec_;
    next.endpoint = "http://127.0.0.1:" + std::to_string(taken.port() == 1 ? 2 : 1);
    next.listen = "127.0.0.1:" + std::to_string(taken.port());
    reload(next);
    ASSERT_TRUE(logged(d, "reload failed, keeping the running configuration")) << d.log_text();
    // Polls still go to the simulator: the new API client was built but never swapped in.
    EXPECT_TRUE(d.wait_polls("stuck", 3)) << d.log_text();
    EXPECT_EQ(d.log_text().find("API client rebuilt"), std::string::npos) << d.log_text();
    EXPECT_EQ(d.stop(), 0);
}

TEST_F(daemon_reload_test, kept_log_notifier_writes_in_the_reloaded_logging_format) {
    auto& d = start();
    daemon_spec next = spec_;
    next.logging_format = "json";
    reload(next);
    ASSERT_TRUE(logged(d, "reloaded: 0 cluster(s) added")) << d.log_text();
    sim_->advance(30);  // the upgrade starts: the `journal` notifier writes upgrade_started
    ASSERT_TRUE(logged(d, R"("type":"upgrade_started")")) << d.log_text();
    const std::string log = d.log_text();
    // The event is the JSON body embedded in the JSON line, not a text line inside one.
    EXPECT_NE(log.find(R"("event":{"schema":"ses-upgrade-monitor/v1")"), std::string::npos) << log;
    EXPECT_EQ(log.find("event=upgrade_started"), std::string::npos) << log;
    EXPECT_EQ(d.stop(), 0);
}

// Counts the series (sample lines) of a /metrics text.
std::size_t series_count(const std::string& metrics) {
    std::istringstream in(metrics);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);)
        n += !line.empty() && line.front() != '#';
    return n;
}

std::size_t open_descriptors(pid_t pid) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry :
         fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
        ++n;
    return n;
}

TEST_F(daemon_reload_test, reloading_many_times_grows_neither_metrics_nor_descriptors) {
    // Each reload replaces the command notifier by one of a new name, and switches the log
    // format (so every notifier is rebuilt).
    const auto round_spec = [&](int round) {
        daemon_spec next = spec_;
        next.notifiers = "  - name: hook-" + std::to_string(round) +
                         "\n    type: command\n    argv: [/bin/true]\n";
        next.logging_format = round % 2 == 0 ? "text" : "json";
        return next;
    };
    spec_ = round_spec(0);
    auto& d = start();
    const unsigned short port = d.server_port();
    const auto metrics_with = [&](const std::string& notifier) {
        std::optional<std::string> body;
        wait_until(
            [&] {
                body = http("GET", port, "/metrics");
                return body && body->find("notifier=\"" + notifier + "\"") != std::string::npos;
            },
            5s);
        return body.value_or("");
    };

    std::size_t baseline_series = 0;
    std::size_t baseline_fds = 0;
    constexpr int rounds = 12;
    for (int round = 1; round <= rounds; ++round) {
        reload(round_spec(round));
        ASSERT_TRUE(wait_until(
            [&] { return count_of(d.log_text(), "reloaded: ") == static_cast<size_t>(round); }, 5s))
            << d.log_text();
        // The new notifier's series are there (synced every second), the old one's are gone.
        const std::string metrics = metrics_with("hook-" + std::to_string(round));
        ASSERT_NE(metrics, "") << "round " << round;
        EXPECT_EQ(metrics.find("notifier=\"hook-" + std::to_string(round - 1) + "\""),
                  std::string::npos)
            << "round " << round;
        if (round == 2) {
            baseline_series = series_count(metrics);
            baseline_fds = open_descriptors(d.process().pid());
        }
    }
    ASSERT_TRUE(d.wait_polls("stuck", 2));
    EXPECT_EQ(series_count(metrics_with("hook-" + std::to_string(rounds))), baseline_series);
    // A descriptor or two may be in flight (a poll's connection, this scrape's).
    EXPECT_LE(open_descriptors(d.process().pid()), baseline_fds + 2);
    EXPECT_EQ(d.stop(), 0);
}

// What check-config reports beyond validity is logged by the daemon too, at start and after
// a reload, without refusing the file. (The simulator's time stays frozen: no event is
// sent, so neither the missing program nor the placeholder host is ever contacted.)
TEST_F(daemon_reload_test, start_and_reload_warn_about_what_check_config_would_report) {
    spec_.notifiers =
        "  - name: pager\n    type: command\n    argv: [/nonexistent/page-oncall, --now]\n";
    auto& d = start();
    ASSERT_TRUE(logged(d,
                       "notifiers[1].argv[0]: /nonexistent/page-oncall: No such file or "
                       "directory (install it, or fix argv[0]) (check-config fails on this; "
                       "the daemon runs with it)"))
        << d.log_text();
    EXPECT_NE(d.log_text().find("config.yaml:"), std::string::npos) << d.log_text();

    daemon_spec next = spec_;
    next.notifiers =
        "  - name: slack\n    type: webhook\n    events: [upgrade_failed]\n    url: "
        "https://hooks.example.com/services/T0-SECRET-PATH\n";
    reload(next);
    ASSERT_TRUE(logged(d, "reloaded: 0 cluster(s) added")) << d.log_text();
    ASSERT_TRUE(logged(d,
                       "notifiers[1].url: warning: webhook host hooks.example.com is an "
                       "example/placeholder host"))
        << d.log_text();
    const std::string log = d.log_text();
    EXPECT_EQ(log.find("T0-SECRET-PATH"), std::string::npos) << "the URL's path leaked";
    // The missing program is gone with the reload: reported once, at start.
    EXPECT_EQ(count_of(log, "/nonexistent/page-oncall: No such file"), 1u) << log;
    EXPECT_EQ(d.stop(), 0);
}

TEST_F(daemon_reload_test, second_sigterm_during_the_stop_exits_at_once) {
    silent_listener receiver;  // a webhook receiver that never answers
    spec_.notifiers = "  - name: hook\n    type: webhook\n    url: http://127.0.0.1:" +
                      std::to_string(receiver.port()) + "/hook\n    timeout: 60s\n";
    auto& d = start();
    sim_->advance(30);  // upgrade_started: its delivery hangs at the receiver
    ASSERT_TRUE(receiver.accept_one(10s)) << d.log_text();

    const auto first = std::chrono::steady_clock::now();
    d.process().signal(SIGTERM);
    ASSERT_TRUE(logged(d, "signal SIGTERM: stopping")) << d.log_text();
    // The stop is waiting out the delivery's 5 s grace.
    EXPECT_TRUE(d.process().running());
    d.process().signal(SIGTERM);
    const auto code = d.process().wait(3s);
    ASSERT_TRUE(code) << "still running 3 s after the second SIGTERM\n" << d.log_text();
    EXPECT_EQ(*code, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - first, 4s);
    EXPECT_TRUE(logged(d, "second SIGTERM while stopping: exiting now", 1s)) << d.log_text();
}

}  // namespace
}  // namespace sesmon::daemon_test
