#include "support/alertmanager_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/etcd_server.hpp"

#include "support/spawn.hpp"

namespace sesmon::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Routes every alert nowhere: the tests use silences only.
constexpr const char* config_text = R"(route:
  receiver: nowhere
receivers:
  - name: nowhere
)";

}  // namespace

std::optional<plain_reply> plain_http(unsigned short port, const std::string& method,
                                      const std::string& target, const std::string& body) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return std::nullopt;
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    std::string request = method + " " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                          "Content-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            ::close(fd);
            return std::nullopt;
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string answer;
    char buffer[8192];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0)
            break;
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const auto space = answer.find(' ');
    const auto head_end = answer.find("\r\n\r\n");
    if (space == std::string::npos || head_end == std::string::npos)
        return std::nullopt;
    plain_reply reply;
    reply.status = std::atoi(answer.c_str() + space + 1);
    std::string rest = answer.substr(head_end + 4);
    // Go's server chunks bodies it does not know the length of in advance.
    if (answer.substr(0, head_end).find("Transfer-Encoding: chunked") != std::string::npos) {
        std::string plain;
        std::size_t pos = 0;
        while (pos < rest.size()) {
            const auto line_end = rest.find("\r\n", pos);
            if (line_end == std::string::npos)
                break;
            const std::size_t size = std::stoul(rest.substr(pos, line_end - pos), nullptr, 16);
            if (size == 0)
                break;
            plain += rest.substr(line_end + 2, size);
            pos = line_end + 2 + size + 2;
        }
        rest = std::move(plain);
    }
    reply.body = std::move(rest);
    return reply;
}

alertmanager_server::alertmanager_server(fs::path dir) : dir_(std::move(dir)) {
    if (::access(alertmanager_binary, X_OK) != 0)
        throw std::runtime_error(std::string(alertmanager_binary) +
                                 " is missing: install prometheus-alertmanager "
                                 "(scripts/bootstrap test)");
    fs::create_directories(dir_ / "data");
    std::ofstream(dir_ / "alertmanager.yml") << config_text;
    for (int attempt = 0;; ++attempt) {
        port_ = free_port();
        try {
            start();
            return;
        } catch (const std::runtime_error&) {
            if (attempt == 2)
                throw;
            stop();
        }
    }
}

alertmanager_server::~alertmanager_server() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

std::string alertmanager_server::log() const {
    std::ifstream in(dir_ / "alertmanager.log");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void alertmanager_server::start() {
    if (running())
        return;
    std::vector<std::string> args = {alertmanager_binary,
                                     "--config.file=" + (dir_ / "alertmanager.yml").string(),
                                     "--storage.path=" + (dir_ / "data").string(),
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                     "--cluster.listen-address=",
                                     "--log.level=info"};
    const fs::path log_file = dir_ / "alertmanager.log";
    pid_ = spawn_logged(std::move(args), log_file);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (const auto r = plain_http(port_, "GET", "/-/ready"); r && r->status == 200)
            return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("alertmanager exited at start:\n" + log());
        }
        std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("alertmanager did not get ready in 20 s:\n" + log());
}

void alertmanager_server::stop() {
    if (!running())
        return;
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

void alertmanager_server::pause() {
    if (!running())
        return;
    ::kill(pid_, SIGSTOP);
    // kill() returns before the stop takes hold on a busy machine: wait until every thread
    // of it is stopped ('T' in /proc/<pid>/task/*/stat), so that no request is answered after.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    const fs::path tasks = "/proc/" + std::to_string(pid_) + "/task";
    while (std::chrono::steady_clock::now() < deadline) {
        bool all_stopped = true;
        std::error_code ec;
        for (const auto& task : fs::directory_iterator(tasks, ec)) {
            std::ifstream stat(task.path() / "stat");
            std::string line;
            std::getline(stat, line);
            const auto close = line.rfind(')');
            if (close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'T')
                all_stopped = false;
        }
        if (all_stopped && !ec)
            return;
        std::this_thread::sleep_for(5ms);
    }
    throw std::runtime_error("alertmanager did not stop within 5 s of SIGSTOP");
}

void alertmanager_server::resume() {
    if (running())
        ::kill(pid_, SIGCONT);
}

std::optional<std::string> alertmanager_server::silences_json() const {
    const auto r = plain_http(port_, "GET", "/api/v2/silences");
    if (!r || r->status != 200)
        return std::nullopt;
    return r->body;
}

}  // namespace sesmon::test
