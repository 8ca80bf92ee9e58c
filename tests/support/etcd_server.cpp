#include "support/etcd_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sesmon::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* etcd_binary = "/usr/bin/etcd";

void wait_exit(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

unsigned short free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0)
            ::close(fd);
        throw std::runtime_error("free_port: cannot bind 127.0.0.1:0");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

etcd_server::etcd_server(fs::path dir, etcd_options options)
    : dir_(std::move(dir)), tls_(std::move(options)) {
    if (::access(etcd_binary, X_OK) != 0)
        throw std::runtime_error(std::string(etcd_binary) +
                                 " is missing: install etcd-server (scripts/bootstrap test)");
    fs::create_directories(dir_);
    // etcd's JSON gateway dials the client address it listens on: it cannot be port 0.
    for (int attempt = 0;; ++attempt) {
        client_port_ = free_port();
        peer_port_ = free_port();
        try {
            start();
            return;
        } catch (const std::runtime_error&) {
            if (attempt == 2)
                throw;
            kill();
        }
    }
}

etcd_server::~etcd_server() {
    kill();
}

std::string etcd_server::endpoint() const {
    return std::string(tls_.cert_file.empty() ? "http" : "https") +
           "://127.0.0.1:" + std::to_string(client_port_);
}

std::string etcd_server::log() const {
    std::ifstream in(dir_ / "etcd.log");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void etcd_server::launch() {
    const std::string scheme = tls_.cert_file.empty() ? "http" : "https";
    const std::string client = scheme + "://127.0.0.1:" + std::to_string(client_port_);
    const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
    std::vector<std::string> args = {
        etcd_binary, "--name=test", "--data-dir=" + (dir_ / "data").string(),
        "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=test=" + peer, "--logger=zap", "--log-outputs=stderr",
        // Fast elections on a busy test machine.
        "--heartbeat-interval=50", "--election-timeout=500"};
    if (!tls_.cert_file.empty()) {
        args.push_back("--cert-file=" + tls_.cert_file.string());
        args.push_back("--key-file=" + tls_.key_file.string());
        if (!tls_.client_ca_file.empty()) {
            args.push_back("--client-cert-auth");
            args.push_back("--trusted-ca-file=" + tls_.client_ca_file.string());
        }
    }
    args.insert(args.end(), tls_.args.begin(), tls_.args.end());
    const fs::path log_file = dir_ / "etcd.log";
    pid_ = ::fork();
    if (pid_ < 0)
        throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test that dies takes its etcd along
        const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
}

void etcd_server::start() {
    if (running())
        return;
    const auto before = log().size();
    launch();
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string text = log();
        if (text.find("serving client traffic", before) != std::string::npos)
            return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("etcd exited at start:\n" + text.substr(before));
        }
        std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("etcd did not get ready in 20 s:\n" + log().substr(before));
}

void etcd_server::stop() {
    if (!running())
        return;
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    wait_exit(pid_);
    pid_ = -1;
}

void etcd_server::freeze() {
    if (running())
        ::kill(pid_, SIGSTOP);
}

void etcd_server::thaw() {
    if (running())
        ::kill(pid_, SIGCONT);
}

void etcd_server::kill() {
    if (!running())
        return;
    ::kill(pid_, SIGKILL);
    wait_exit(pid_);
    pid_ = -1;
}

}  // namespace sesmon::test
