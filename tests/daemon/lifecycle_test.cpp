// Reload (SIGHUP), sd_notify and stop, end to end against the simulator.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <set>

#include <spdlog/spdlog.h>
#include "harness.hpp"
#include "state/database.hpp"
#include "state/reads.hpp"

namespace sesmon::daemon_test {
namespace {

TEST(daemon_lifecycle_test, reload_starts_added_and_stops_removed_clusters_without_re_alerting) {
    temp_dir dir;
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"stuck", "1037301", ""}};
    const auto config = dir.path() / "config.yaml";
    write_text(config, daemon_config(spec, dir.path()));
    daemon_process d(config, dir.path() / "daemon.log");
    ASSERT_TRUE(d.wait_polls("stuck", 2));
    sim.advance(30);
    ASSERT_TRUE(wait_until(
        [&] { return count(emitted_events(d.log_text()), "upgrade_started", "stuck") == 1; }, 5s));

    // Add a cluster.
    spec.clusters.push_back({"second", "1037303", ""});
    write_text(config, daemon_config(spec, dir.path()));
    d.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] { return count(emitted_events(d.log_text()), "upgrade_started", "second") == 1; }, 5s))
        << d.log_text();
    ASSERT_TRUE(d.wait_polls("stuck", 3));

    // An invalid file: reported, the running configuration stays.
    write_text(config, "clusters: [ {name: x} ]\nbogus_key: 1\n");
    d.process().signal(SIGHUP);
    ASSERT_TRUE(
        wait_until([&] { return d.log_text().find("reload failed") != std::string::npos; }, 5s));
    ASSERT_TRUE(d.wait_polls("second", 2));

    // Remove the first cluster.
    spec.clusters.erase(spec.clusters.begin());
    write_text(config, daemon_config(spec, dir.path()));
    d.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] { return d.log_text().find("cluster stuck: no longer watched") != std::string::npos; },
        5s));
    ASSERT_TRUE(d.wait_polls("second", 3));
    EXPECT_EQ(d.successful_polls("stuck"), 0);  // its series are gone and it is not polled
    EXPECT_EQ(d.stop(), 0);

    const auto events = emitted_events(d.log_text());
    EXPECT_EQ(count(events, "upgrade_started", "stuck"), 1u);
    EXPECT_EQ(count(events, "upgrade_started", "second"), 1u);
    std::set<std::string> ids;
    for (const auto& e : events)
        EXPECT_TRUE(ids.insert(e.id).second) << "twice: " << e.id;
    // The state of the removed cluster stays in the store.
    auto db = state::open_for_reading(dir.path() / "state");
    EXPECT_TRUE(state::read_cluster(*db, "1037301", *spdlog::default_logger()));
}

// A datagram socket standing in for systemd's NOTIFY_SOCKET.
class notify_socket {
  public:
    explicit notify_socket(const fs::path& path) : path_(path) {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            throw std::runtime_error("bind notify socket");
        }
        timeval tv{0, 50 * 1000};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~notify_socket() { close(fd_); }
    // Reads whatever arrived (non-blocking beyond 50 ms) into `messages`.
    void drain() {
        char buf[4096];
        ssize_t n;
        while ((n = recv(fd_, buf, sizeof buf, 0)) > 0) {
            messages.emplace_back(buf, static_cast<std::size_t>(n));
        }
    }
    bool wait_for(const std::string& prefix, std::size_t occurrences = 1,
                  std::chrono::milliseconds timeout = 5s) {
        return wait_until(
            [&] {
                drain();
                return count_of(prefix) >= occurrences;
            },
            timeout);
    }
    std::size_t count_of(const std::string& prefix) const {
        std::size_t n = 0;
        for (const auto& m : messages)
            n += m.rfind(prefix, 0) == 0;
        return n;
    }
    std::vector<std::string> messages;

  private:
    fs::path path_;
    int fd_ = -1;
};

TEST(daemon_lifecycle_test, sd_notify_reports_ready_status_watchdog_reloading_and_stopping) {
    temp_dir dir;
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    notify_socket sock(dir.path() / "notify.sock");
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"stuck", "1037301", ""}, {"failing", "1037302", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    daemon_process d(
        dir.path() / "config.yaml", dir.path() / "daemon.log",
        {{"NOTIFY_SOCKET", (dir.path() / "notify.sock").string()}, {"WATCHDOG_USEC", "200000"}});
    ASSERT_TRUE(sock.wait_for("READY=1")) << d.log_text();
    ASSERT_TRUE(sock.wait_for("STATUS=2 cluster(s), 0 upgrade(s) in progress"));
    ASSERT_TRUE(sock.wait_for("WATCHDOG=1", 4, 3s));  // every 100 ms: half of 200 ms

    sim.advance(30);  // two upgrades start: the status line follows
    ASSERT_TRUE(sock.wait_for("STATUS=2 cluster(s), 2 upgrade(s) in progress"));

    d.process().signal(SIGHUP);
    ASSERT_TRUE(sock.wait_for("RELOADING=1"));
    ASSERT_TRUE(sock.wait_for("READY=1", 2));
    for (const auto& m : sock.messages) {
        if (m.rfind("RELOADING=1", 0) == 0) {
            EXPECT_NE(m.find("\nMONOTONIC_USEC="), std::string::npos) << m;
        }
    }
    EXPECT_EQ(d.stop(), 0);
    sock.drain();
    EXPECT_EQ(sock.count_of("STOPPING=1"), 1u);
}

}  // namespace
}  // namespace sesmon::daemon_test
