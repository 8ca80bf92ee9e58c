#pragma once
// harness: runs the real programs for the daemon's integration tests — the simulator and
// the daemon as child processes with their output in files — and the small tools the tests
// need: waiting on a condition with a deadline, plain HTTP to 127.0.0.1, reading the
// daemon's emitted events from its log.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sesmon::daemon_test {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A child process; killed (SIGKILL) and reaped on destruction if still running.
class child {
  public:
    child(std::vector<std::string> argv, std::map<std::string, std::string> env, fs::path out,
          fs::path err);
    ~child();
    child(const child&) = delete;
    child& operator=(const child&) = delete;
    pid_t pid() const { return pid_; }
    void signal(int signo) const;
    // The exit code, or 128+signal; nullopt if it did not end within `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    bool running();

  private:
    pid_t pid_ = -1;
    std::optional<int> status_;
};

// Polls `condition` every 20 ms until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

std::string read_text(const fs::path& path);
void write_text(const fs::path& path, const std::string& text, fs::perms perms = fs::perms(0600));

// One HTTP/1.1 exchange with 127.0.0.1:port, Connection: close. Returns the body, or
// nullopt when the connection failed or the status was not 2xx. `headers`: more header
// lines, each ending in "\r\n" ("Authorization: Bearer x\r\n").
std::optional<std::string> http(const std::string& method, unsigned short port,
                                const std::string& target, const std::string& body = "",
                                const std::string& headers = "");
// The same, with any status: nullopt only when the connection failed.
struct http_reply {
    int status = 0;
    std::string body;
};
std::optional<http_reply> http_exchange(const std::string& method, unsigned short port,
                                        const std::string& target, const std::string& body = "",
                                        const std::string& headers = "");

// An event the daemon emitted, from its debug line "cluster C: emitted TYPE id=ID".
struct emitted {
    std::string cluster;
    std::string type;
    std::string id;
};
std::vector<emitted> emitted_events(const std::string& log);
std::size_t count(const std::vector<emitted>& events, const std::string& type,
                  const std::string& cluster = "");

// The simulator, plain HTTP on 127.0.0.1:0, keys "test-ak"/"test-sk" (HTTPS when `extra`
// holds "--self-signed", PATH: the control helpers then do not work).
class simulator {
  public:
    simulator(const fs::path& dir, const std::string& scenario, double time_scale,
              std::vector<std::string> extra = {}, const std::string& access_key = "test-ak",
              const std::string& secret_key = "test-sk");
    unsigned short port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // POST /_sim/advance?seconds=N.
    void advance(int seconds) const;
    // POST /_sim/faults with this JSON body (docs/simulator.md).
    void faults(const std::string& json) const;
    // POST /_sim/opensearch with this JSON body: what a cluster's OpenSearch endpoint shows.
    void opensearch(const std::string& json) const;
    // The OpenSearch endpoint of a cluster, from /_sim/state ("http://127.0.0.1:PORT").
    std::string opensearch_url(const std::string& instance_no) const;
    // How many requests for `path` ("/_cluster/health", "/_cat/recovery", ...) a cluster's
    // OpenSearch endpoint has received, from /_sim/state: a daemon's read is one request
    // for each of health, nodes and recovery, in that order.
    std::uint64_t opensearch_requests(const std::string& instance_no,
                                      const std::string& path) const;

  private:
    fs::path dir_;
    std::optional<child> process_;
    unsigned short port_ = 0;
};

struct cluster_spec {
    std::string name;
    std::string instance_no;
    std::string extra;  // more YAML keys of the cluster entry, e.g. "stall: {...}"
};

struct daemon_spec {
    std::string endpoint;
    std::vector<cluster_spec> clusters;
    std::string polling =
        "{ interval: 100ms, idle_interval: 300ms, jitter: 0.1, max_backoff: 300ms }";
    std::string stall = "{ node_stage_timeout: 0s, no_progress_timeout: 0s, blind_timeout: 0s }";
    std::string access_key_file;  // default: env keys test-ak/test-sk
    std::string secret_key_file;
    std::string api_timeout = "2s";
    std::string notifiers;  // more entries after the `journal` log notifier ("  - name: ...")
    std::string listen = "127.0.0.1:0";
    std::string logging_format = "text";
    std::string api_extra;  // more YAML lines of the api section, each "  key: value\n"
    std::string extra;      // more top-level YAML, e.g. "discovery: { enabled: true }", "ha: ..."
};

// Writes the YAML configuration for `spec` (state in dir/state, server on port 0,
// debug text logs, one `log` notifier).
std::string daemon_config(const daemon_spec& spec, const fs::path& dir);

// The daemon: `run -c config`, stderr to `log`.
class daemon_process {
  public:
    daemon_process(const fs::path& config, const fs::path& log,
                   std::map<std::string, std::string> extra_env = {});
    child& process() { return *process_; }
    std::string log_text() const { return read_text(log_); }
    // The status server's port, from the start-up line (0 if not seen within 10 s).
    unsigned short server_port();
    // ses_upgrade_monitor_polls_total{cluster,result="ok"} from /metrics; -1 if unavailable.
    long successful_polls(const std::string& cluster);
    // The sum of a metric's samples (any labels) from /metrics; -1 if unavailable.
    double metric_sum(const std::string& name);
    // Waits until `n` more successful polls of `cluster` happened than when called.
    bool wait_polls(const std::string& cluster, long n, std::chrono::milliseconds timeout = 10s);
    // SIGTERM and wait; the exit code.
    std::optional<int> stop();

  private:
    fs::path log_;
    std::optional<child> process_;
    unsigned short port_ = 0;
};

// Whether `d` emitted an event of `type` for `cluster` within `timeout` (from its log).
bool has_emitted(daemon_process& d, const std::string& type, const std::string& cluster,
                 std::chrono::milliseconds timeout);

// `ses-upgrade-monitor ARGS...` run to completion (20 s at most) with the simulator's keys
// (test-ak/test-sk) in its environment; stdout and stderr apart, kept in `dir` as
// cmd.out/cmd.err (replaced by each call).
struct command_result {
    std::optional<int> code;  // nullopt: it did not end in time
    std::string out, err;
};
command_result run_command(const fs::path& dir, std::vector<std::string> args);

// A fresh directory under the system temp dir, removed on destruction.
class temp_dir {
  public:
    temp_dir();
    ~temp_dir();
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

}  // namespace sesmon::daemon_test
