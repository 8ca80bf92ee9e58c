#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace sesmon::daemon_test {

child::child(std::vector<std::string> argv, std::map<std::string, std::string> env, fs::path out,
             fs::path err) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        const auto eq = kv.find('=');
        if (eq != std::string::npos)
            merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (auto& [k, v] : env)
        merged[k] = v;
    std::vector<std::string> env_strings;
    for (auto& [k, v] : merged)
        env_strings.push_back(k + "=" + v);
    std::vector<char*> cargv, cenv;
    for (auto& a : argv)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);
    for (auto& e : env_strings)
        cenv.push_back(e.data());
    cenv.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0)
        throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (o >= 0)
            dup2(o, 1);
        if (e >= 0)
            dup2(e, 2);
        execve(cargv[0], cargv.data(), cenv.data());
        _exit(127);
    }
}

child::~child() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        wait(5s);
    }
}

void child::signal(int signo) const {
    ::kill(pid_, signo);
}

bool child::running() {
    if (status_ || pid_ <= 0)
        return false;
    int st = 0;
    const pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return false;
    }
    return true;
}

std::optional<int> child::wait(std::chrono::milliseconds timeout) {
    wait_until([this] { return !running(); }, timeout);
    return status_;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (condition())
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(20ms);
    }
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text(const fs::path& path, const std::string& text, fs::perms perms) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
    }
    fs::permissions(path, perms);
}

std::optional<std::string> http(const std::string& method, unsigned short port,
                                const std::string& target, const std::string& body,
                                const std::string& headers) {
    auto reply = http_exchange(method, port, target, body, headers);
    if (!reply || reply->status < 200 || reply->status > 299)
        return std::nullopt;
    return std::move(reply->body);
}

std::optional<http_reply> http_exchange(const std::string& method, unsigned short port,
                                        const std::string& target, const std::string& body,
                                        const std::string& headers) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return std::nullopt;
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return std::nullopt;
    }
    const std::string req =
        method + " " + target +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n" + headers + "\r\n" + body;
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
        close(fd);
        return std::nullopt;
    }
    std::string resp;
    char buf[8192];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
        resp.append(buf, static_cast<std::size_t>(n));
    close(fd);
    if (resp.size() < 12 || resp.compare(0, 9, "HTTP/1.1 ") != 0)
        return std::nullopt;
    const auto head_end = resp.find("\r\n\r\n");
    return http_reply{std::atoi(resp.substr(9, 3).c_str()),
                      head_end == std::string::npos ? std::string() : resp.substr(head_end + 4)};
}

std::vector<emitted> emitted_events(const std::string& log) {
    static const std::regex line(R"(cluster (\S+): emitted (\w+) id=([0-9a-f]+))");
    std::vector<emitted> out;
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
        out.push_back({(*it)[1], (*it)[2], (*it)[3]});
    }
    return out;
}

std::size_t count(const std::vector<emitted>& events, const std::string& type,
                  const std::string& cluster) {
    std::size_t n = 0;
    for (const auto& e : events) {
        if (e.type == type && (cluster.empty() || e.cluster == cluster))
            ++n;
    }
    return n;
}

bool has_emitted(daemon_process& d, const std::string& type, const std::string& cluster,
                 std::chrono::milliseconds timeout) {
    return wait_until([&] { return count(emitted_events(d.log_text()), type, cluster) > 0; },
                      timeout);
}

simulator::simulator(const fs::path& dir, const std::string& scenario, double time_scale,
                     std::vector<std::string> extra, const std::string& access_key,
                     const std::string& secret_key)
    : dir_(dir) {
    // TLS when the test asks for --self-signed (the control helpers below are plain-only).
    const bool tls = std::find(extra.begin(), extra.end(), "--self-signed") != extra.end();
    std::vector<std::string> argv{std::string(SESMON_BIN_DIR) + "/ses-upgrade-sim",
                                  "--listen",
                                  "127.0.0.1:0",
                                  "--scenario",
                                  std::string(SESMON_SOURCE_DIR) + "/" + scenario,
                                  "--access-key",
                                  access_key,
                                  "--secret-key",
                                  secret_key,
                                  "--time-scale",
                                  std::to_string(time_scale),
                                  "--log-level",
                                  "warn"};
    if (!tls)
        argv.push_back("--plain");
    for (auto& e : extra)
        argv.push_back(e);
    const auto out = dir / "sim.out";
    process_.emplace(argv, std::map<std::string, std::string>{}, out, dir / "sim.log");
    static const std::regex listening(R"(listening on https?://127\.0\.0\.1:(\d+))");
    wait_until(
        [&] {
            std::smatch m;
            const auto text = read_text(out);
            if (!std::regex_search(text, m, listening))
                return false;
            port_ = static_cast<unsigned short>(std::stoi(m[1]));
            return true;
        },
        10s);
    if (port_ == 0)
        throw std::runtime_error("simulator did not start: " + read_text(dir / "sim.log"));
}

void simulator::opensearch(const std::string& json) const {
    if (!http("POST", port_, "/_sim/opensearch", json))
        throw std::runtime_error("opensearch control refused: " + json);
}

std::string simulator::opensearch_url(const std::string& instance_no) const {
    const auto state = http("GET", port_, "/_sim/state");
    if (!state)
        throw std::runtime_error("no /_sim/state");
    // {"name":..,"instance_no":"<no>",..,"opensearch":{"url":"http://127.0.0.1:PORT",..
    const std::regex url("\"instance_no\":\"" + instance_no +
                         "\"[^{]*\"opensearch\":\\{\"url\":\"([^\"]+)\"");
    std::smatch m;
    if (!std::regex_search(*state, m, url))
        throw std::runtime_error("no OpenSearch endpoint for " + instance_no + ": " + *state);
    return m[1];
}

std::uint64_t simulator::opensearch_requests(const std::string& instance_no,
                                             const std::string& path) const {
    const auto state = http("GET", port_, "/_sim/state");
    if (!state)
        throw std::runtime_error("no /_sim/state");
    rapidjson::Document doc;
    doc.Parse(state->c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("clusters"))
        throw std::runtime_error("bad /_sim/state: " + *state);
    for (const auto& c : doc["clusters"].GetArray()) {
        if (c["instance_no"].GetString() != instance_no || !c["opensearch"].IsObject())
            continue;
        const auto& requests = c["opensearch"]["requests"];
        const auto it = requests.FindMember(path.c_str());
        if (it == requests.MemberEnd())
            throw std::runtime_error("no request count for " + path);
        return it->value.GetUint64();
    }
    throw std::runtime_error("no OpenSearch endpoint for " + instance_no + ": " + *state);
}

void simulator::faults(const std::string& json) const {
    if (!http("POST", port_, "/_sim/faults", json))
        throw std::runtime_error("faults refused: " + json);
}

void simulator::advance(int seconds) const {
    if (!http("POST", port_, "/_sim/advance?seconds=" + std::to_string(seconds))) {
        throw std::runtime_error("advance failed");
    }
}

std::string daemon_config(const daemon_spec& spec, const fs::path& dir) {
    std::ostringstream y;
    y << "api:\n  endpoint: " << spec.endpoint << "\n  timeout: " << spec.api_timeout << "\n";
    if (!spec.access_key_file.empty()) {
        y << "  access_key_file: " << spec.access_key_file << "\n";
        y << "  secret_key_file: " << spec.secret_key_file << "\n";
    }
    y << spec.api_extra;
    y << "polling: " << spec.polling << "\n";
    y << "stall: " << spec.stall << "\n";
    y << "clusters:\n";
    for (const auto& c : spec.clusters) {
        y << "  - name: " << c.name << "\n    instance_no: \"" << c.instance_no << "\"\n";
        if (!c.extra.empty())
            y << "    " << c.extra << "\n";
    }
    y << "notifiers:\n  - name: journal\n    type: log\n" << spec.notifiers;
    y << "state:\n  directory: " << (dir / "state").string() << "\n";
    y << "server:\n  listen: \"" << spec.listen << "\"\n";
    y << "logging:\n  level: debug\n  format: " << spec.logging_format << "\n";
    if (!spec.extra.empty())
        y << spec.extra << "\n";
    return y.str();
}

daemon_process::daemon_process(const fs::path& config, const fs::path& log,
                               std::map<std::string, std::string> extra_env)
    : log_(log) {
    std::map<std::string, std::string> env{{"NCLOUD_ACCESS_KEY", "test-ak"},
                                           {"NCLOUD_SECRET_KEY", "test-sk"}};
    for (auto& [k, v] : extra_env)
        env[k] = v;
    process_.emplace(std::vector<std::string>{std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor",
                                              "run", "-c", config.string()},
                     env, log.string() + ".out", log);
}

unsigned short daemon_process::server_port() {
    if (port_ != 0)
        return port_;
    static const std::regex started(R"(status server on http://127\.0\.0\.1:(\d+))");
    wait_until(
        [&] {
            std::smatch m;
            const auto text = log_text();
            if (!std::regex_search(text, m, started))
                return false;
            port_ = static_cast<unsigned short>(std::stoi(m[1]));
            return true;
        },
        10s);
    return port_;
}

long daemon_process::successful_polls(const std::string& cluster) {
    const auto port = server_port();
    if (port == 0)
        return -1;
    const auto body = http("GET", port, "/metrics");
    if (!body)
        return -1;
    const std::regex series("ses_upgrade_monitor_polls_total\\{[^}]*cluster=\"" + cluster +
                            "\"[^}]*result=\"ok\"[^}]*\\} ([0-9.e+]+)");
    std::smatch m;
    if (!std::regex_search(*body, m, series))
        return 0;
    return static_cast<long>(std::stod(m[1]));
}

double daemon_process::metric_sum(const std::string& name) {
    const auto port = server_port();
    const auto body = port == 0 ? std::nullopt : http("GET", port, "/metrics");
    if (!body)
        return -1;
    const std::regex sample("(^|\n)" + name + "(\\{[^}]*\\})? ([0-9.e+]+)");
    double sum = 0;
    for (auto it = std::sregex_iterator(body->begin(), body->end(), sample);
         it != std::sregex_iterator(); ++it) {
        sum += std::stod((*it)[3]);
    }
    return sum;
}

bool daemon_process::wait_polls(const std::string& cluster, long n,
                                std::chrono::milliseconds timeout) {
    const long start = std::max(0L, successful_polls(cluster));
    return wait_until([&] { return successful_polls(cluster) >= start + n; }, timeout);
}

std::optional<int> daemon_process::stop() {
    process_->signal(SIGTERM);
    return process_->wait(10s);
}

temp_dir::temp_dir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("sesmon-daemon-test-" + std::to_string(rd()));
    fs::create_directories(path_);
}

temp_dir::~temp_dir() {
    if (!std::getenv("SESMON_KEEP_TEST_DIRS")) {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
}

command_result run_command(const fs::path& dir, std::vector<std::string> args) {
    std::vector<std::string> argv{std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor"};
    argv.insert(argv.end(), args.begin(), args.end());
    fs::remove(dir / "cmd.out");  // child appends
    fs::remove(dir / "cmd.err");
    child c(argv, {{"NCLOUD_ACCESS_KEY", "test-ak"}, {"NCLOUD_SECRET_KEY", "test-sk"}},
            dir / "cmd.out", dir / "cmd.err");
    command_result r;
    r.code = c.wait(std::chrono::seconds(20));
    r.out = read_text(dir / "cmd.out");
    r.err = read_text(dir / "cmd.err");
    return r;
}

}  // namespace sesmon::daemon_test
