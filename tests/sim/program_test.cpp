// The ses-upgrade-sim program as tests and the demo use it: --listen 127.0.0.1:0, the ready
// line on stdout, TLS with --self-signed, signatures, clean exit on SIGTERM, and clear
// errors for bad scenarios.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/gateway.hpp"
#include "sim_support.hpp"

namespace sesmon::sim {
namespace {

namespace fs = std::filesystem;

// A child process with its stdout and stderr on pipes.
class child {
  public:
    explicit child(std::vector<std::string> args) {
        int out[2], err[2];
        if (::pipe(out) != 0 || ::pipe(err) != 0)
            throw std::runtime_error("pipe");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            ::close(out[0]);
            ::close(err[0]);
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(err[1]);
        out_ = out[0];
        err_ = err[0];
    }
    ~child() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
        ::close(err_);
    }
    // The first stdout line, waiting at most `limit`.
    std::string first_line(std::chrono::milliseconds limit) {
        std::string line;
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0)
                continue;
            char c;
            if (::read(out_, &c, 1) != 1)
                break;
            if (c == '\n')
                return line;
            line += c;
        }
        return line;
    }
    // Waits for the exit status (-1 when it did not exit in time or not normally).
    int wait_exit(std::chrono::milliseconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            ::usleep(20000);
        }
        return -1;
    }
    std::string stderr_text() {
        std::string text;
        char buf[4096];
        ::fcntl(err_, F_SETFL, O_NONBLOCK);
        ssize_t n;
        while ((n = ::read(err_, buf, sizeof buf)) > 0)
            text.append(buf, static_cast<std::size_t>(n));
        return text;
    }
    void signal(int sig) { ::kill(pid_, sig); }

  private:
    pid_t pid_ = -1;
    int out_ = -1, err_ = -1;
    bool exited_ = false;
};

const std::string binary = std::string(SESMON_BIN_DIR) + "/ses-upgrade-sim";
const std::string seed = std::string(SESMON_SOURCE_DIR) + "/config/scenarios/seed.yaml";

fs::path temp_path(const std::string& name) {
    return fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
}

TEST(sim_program_test, self_signed_tls_signed_requests_and_clean_sigterm_exit) {
    auto cert = temp_path("sim-cert.pem");
    child sim({binary, "--listen", "127.0.0.1:0", "--scenario", seed, "--self-signed",
               cert.string(), "--access-key", "AK", "--secret-key", "SK", "--time-scale", "0",
               "--log-level", "debug"});
    auto line = sim.first_line(std::chrono::seconds(10));
    // (no std::regex: GCC 12 warns falsely about it under the sanitizers)
    const std::string prefix = "listening on https://127.0.0.1:";
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line << sim.stderr_text();
    auto digits = line.substr(prefix.size());
    ASSERT_FALSE(digits.empty());
    ASSERT_EQ(digits.find_first_not_of("0123456789"), std::string::npos) << line;
    auto port = static_cast<unsigned short>(std::stoi(digits));

    boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
    tls.load_verify_file(cert.string());
    const std::string target = "/api/v2/cluster/getRollingUpgradeProgress";
    auto ts = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
    test::client_call call{.method = "POST",
                           .target = target,
                           .body = R"({"serviceGroupInstanceNo":"1037001"})",
                           .tls = &tls};
    call.headers = {{"Content-Type", "application/json"},
                    {"x-ncp-apigw-timestamp", ts},
                    {"x-ncp-iam-access-key", "AK"},
                    {"x-ncp-apigw-signature-v2", signature_v2("POST", target, ts, "AK", "SK")}};
    auto ok = test::exchange(port, call);
    EXPECT_EQ(ok.status, 200) << ok.ec.message() << ok.body;
    EXPECT_NE(ok.body.find(R"("name":"cluster000")"), std::string::npos);
    call.headers.pop_back();
    EXPECT_EQ(test::exchange(port, call).status, 401);

    sim.signal(SIGTERM);
    EXPECT_EQ(sim.wait_exit(std::chrono::seconds(10)), 0);
    auto log = sim.stderr_text();
    EXPECT_NE(log.find("POST " + target + " -> 200"), std::string::npos) << log;
    fs::remove(cert);
}

TEST(sim_program_test, bad_scenario_exits_1_with_file_line_col) {
    auto path = temp_path("bad-scenario.yaml");
    std::ofstream(path) << "clusters:\n  - name: x\n    instance_no: \"1\"\n    version: 1\n"
                           "    nodes: [{hostname: a, role: Q}]\n";
    child sim({binary, "--listen", "127.0.0.1:0", "--scenario", path.string(), "--plain"});
    EXPECT_EQ(sim.wait_exit(std::chrono::seconds(10)), 1);
    auto err = sim.stderr_text();
    EXPECT_NE(err.find(path.string() + ":5:33: \"Q\" is not one of: M, D, DO, MO"),
              std::string::npos)
        << err;
    fs::remove(path);
}

TEST(sim_program_test, missing_transport_choice_is_a_usage_error) {
    child sim({binary, "--listen", "127.0.0.1:0", "--scenario", seed});
    EXPECT_EQ(sim.wait_exit(std::chrono::seconds(10)), 2);
}

}  // namespace
}  // namespace sesmon::sim
