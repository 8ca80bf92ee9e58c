// Secrets never leave the daemon (SPEC §3): canary values for every kind of secret are
// planted in a real configuration, the daemon runs through an upgrade against the simulator
// (webhooks delivered and dead-lettered, a command run, a reload), and then every surface an
// operator or a receiver can read is searched for them.
//
// To cover a new surface, add one entry to `surfaces()` below: a name and
// how to read its text. state.db is read as one of the state directory's files.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "support/alertmanager_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::daemon_test {
namespace {

// Each canary is a secret of one kind, and unique enough that finding it means a leak.
struct canary {
    std::string kind;
    std::string value;
};

const std::vector<canary>& canaries() {
    static const std::vector<canary> all = {
        {"access key", "AKCANARY7f3a2d"},
        {"secret key", "SKCANARY9b2c4e"},
        {"webhook URL path", "hook-CANARY-URL-5e1d"},
        {"dead webhook URL path", "CANARY-DEAD-URL-0a9f"},
        {"signing secret", "CANARY-SIGNING-42d1"},
        {"PagerDuty routing key", "CANARY-ROUTING-77c0"},
        {"HTTP auth token", "CANARY-TOKEN-8e6b"},
        {"NAVER WORKS client secret", "CANARY-WORKS-SECRET-3b7e"},
        // The simulator issues access tokens "sim-works-<n>-<hash>": never logged or stored.
        {"NAVER WORKS access token", "sim-works-"},
        {"Teams workflow signature", "CANARY-TEAMS-SIG-91aa"},
        {"SMTP password", "CANARY-SMTP-PASS-c4d2"},
        {"SENS access key", "CANARY-SENS-AK-5f0e"},
        {"SENS secret key", "CANARY-SENS-SK-8a3c"},
        {"Alertmanager token", "CANARY-AMTOKEN-3c5a"},
        // The simulator's scenario (episodes.yaml) expects this password for `stuck`.
        {"OpenSearch password", "CANARY-OS-PASSWORD-6d2a"},
    };
    return all;
}

std::string all_files(const fs::path& dir);

// A fresh RSA key for the NAVER WORKS service account (openssl command line), and its
// public half for the simulator. The canary of the private key is a line of its Base64 body.
struct works_key {
    std::string private_file, public_file, canary;
};
works_key make_works_key(const fs::path& dir) {
    works_key key{(dir / "works-key.pem").string(), (dir / "works-key.pub").string(), {}};
    const auto made = sesmon::test::run_shell(
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
        sesmon::test::shell_quote(key.private_file) + " 2>&1 && chmod 600 " +
        sesmon::test::shell_quote(key.private_file) + " && openssl pkey -in " +
        sesmon::test::shell_quote(key.private_file) + " -pubout -out " +
        sesmon::test::shell_quote(key.public_file) + " 2>&1");
    if (made.exit_code != 0)
        throw std::runtime_error("openssl: " + made.output);
    std::istringstream pem(read_text(key.private_file));
    std::string line;
    std::getline(pem, line);  // -----BEGIN PRIVATE KEY-----
    std::getline(pem, line);
    std::getline(pem, key.canary);  // the second Base64 line: 64 random characters
    return key;
}

// tests/support/smtp_sink.py with AUTH on 127.0.0.1 (plain: the relay is loopback).
class smtp_relay {
  public:
    smtp_relay(const fs::path& dir, const std::string& password) : out_(dir / "smtp") {
        fs::create_directories(out_);
        const auto started = sesmon::test::run_shell(
            "/usr/bin/python3 " + std::string(SESMON_SOURCE_DIR) +
            "/tests/support/smtp_sink.py --out " + sesmon::test::shell_quote(out_.string()) +
            " --auth monitor:" + password + " > " +
            sesmon::test::shell_quote((dir / "smtp.out").string()) + " 2>&1 & echo $!");
        pid_ = std::stoi(started.output);
        wait_until(
            [&] {
                const std::string text = read_text(dir / "smtp.out");
                if (text.rfind("listening on ", 0) == 0)
                    port_ = std::stoi(text.substr(13));
                return port_ != 0;
            },
            15s);
    }
    ~smtp_relay() { ::kill(pid_, SIGTERM); }
    int port() const { return port_; }
    // Every message it accepted, concatenated (what a receiver saw).
    std::string received() const { return all_files(out_); }

  private:
    fs::path out_;
    int pid_ = 0;
    int port_ = 0;
};

// Every file under `dir`, concatenated (binary files included: state.db will be one).
std::string all_files(const fs::path& dir);

std::string all_files(const fs::path& dir) {
    std::string text;
    if (!fs::exists(dir))
        return text;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file())
            text += "\n--- " + entry.path().string() + "\n" + read_text(entry.path());
    }
    return text;
}

// Runs `ses-upgrade-monitor ARGS...` to completion; stdout and stderr together.
std::string run_canary_command(const fs::path& dir, const std::string& name,
                               std::vector<std::string> args) {
    args.insert(args.begin(), std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor");
    const auto out = dir / (name + ".out");
    child c(args, {}, out, out);
    const auto code = c.wait(30s);
    return "exit " + (code ? std::to_string(*code) : std::string("(none)")) + "\n" + read_text(out);
}

class canary_test : public ::testing::Test {
  protected:
    struct surface {
        std::string name;
        std::function<std::string()> read;
    };

    void SetUp() override {
        const auto secret = [&](const std::string& name, const std::string& value) {
            write_text(dir_.path() / name, value + "\n");
            return (dir_.path() / name).string();
        };
        works_key_ = make_works_key(dir_.path());
        relay_.emplace(dir_.path(), value("SMTP password"));
        sim_.emplace(
            dir_.path(), "tests/daemon/scenarios/episodes.yaml", 0,
            std::vector<std::string>{
                "--webhook-sink", "--notify-services", "--works-public-key", works_key_.public_file,
                "--works-client-id", "client-1", "--works-client-secret",
                value("NAVER WORKS client secret"), "--teams-sig",
                value("Teams workflow signature"), "--sens-access-key", value("SENS access key"),
                "--sens-secret-key", value("SENS secret key"), "--sens-sender", "0212345678"},
            value("access key"), value("secret key"));
        const std::string base = sim_->url();
        write_text(dir_.path() / "hook.sh",
                   "#!/bin/sh\ncat > /dev/null\n/usr/bin/env >> \"$1/command-env\"\n",
                   fs::perms(0700));
        spec_.endpoint = base;
        spec_.clusters = {{"stuck", "1037301",
                           "opensearch: { url: \"" + sim_->opensearch_url("1037301") +
                               "\", username: monitor, interval: 1s, password_file: " +
                               secret("os-password", value("OpenSearch password")) + " }"},
                          {"failing", "1037302", ""}};
        spec_.access_key_file = secret("access", value("access key"));
        spec_.secret_key_file = secret("secret", value("secret key"));
        spec_.notifiers =
            "  - name: ops\n    type: webhook\n    url_file: " +
            secret("ops-url", base + "/hooks/" + value("webhook URL path")) +
            "\n    signing_secret_file: " + secret("signing", value("signing secret")) +
            "\n  - name: gone\n    type: webhook\n    url_file: " +
            secret("gone-url", base + "/" + value("dead webhook URL path")) +
            "\n  - name: pager\n    type: webhook\n    format: pagerduty\n    url: " + base +
            "/hooks/pager\n    routing_key_file: " +
            secret("routing", value("PagerDuty routing key")) +
            "\n  - name: script\n    type: command\n    argv: [" +
            (dir_.path() / "hook.sh").string() + ", " + dir_.path().string() + "]\n" +
            "  - name: works\n    type: naver_works\n    language: ko\n    bot_id: \"2000001\"\n"
            "    channel_id: ch-1\n    client_id: client-1\n    client_secret_file: " +
            secret("works-secret", value("NAVER WORKS client secret")) +
            "\n    service_account: sa@example\n    private_key_file: " + works_key_.private_file +
            "\n    token_url: " + base + "/oauth2/v2.0/token\n    api_url: " + base +
            "/v1.0\n  - name: teams\n    type: teams\n    url_file: " +
            secret("teams-url", base + "/teams/ops?sig=" + value("Teams workflow signature")) +
            "\n  - name: sms\n    type: ncp_sms\n    endpoint: " + base +
            "\n    service_id: \"ncp:sms:kr:1:svc\"\n    from: \"0212345678\"\n"
            "    to: [\"01012345678\"]\n    events: [upgrade_started, upgrade_failed]\n"
            "    access_key_file: " +
            secret("sens-access", value("SENS access key")) +
            "\n    secret_key_file: " + secret("sens-secret", value("SENS secret key")) +
            "\n  - name: mail\n    type: ncp_mail\n    language: ja\n    endpoint: " + base +
            "\n    service_id: \"ncp:mail:kr:1:svc\"\n    sender_address: m@example.com\n"
            "    to: [oncall@example.com]\n    access_key_file: " +
            (dir_.path() / "sens-access").string() +
            "\n    secret_key_file: " + (dir_.path() / "sens-secret").string() +
            "\n  - name: relay\n    type: smtp\n    host: 127.0.0.1\n    port: " +
            std::to_string(relay_->port()) +
            "\n    security: none\n    from: m@example.com\n    to: [oncall@example.com]\n"
            "    username: monitor\n    password_file: " +
            secret("smtp-password", value("SMTP password")) + "\n";
        token_file_ = secret("token", value("HTTP auth token"));
        am_.emplace(dir_.path() / "am");
        spec_.extra = "alertmanager:\n  url: " + am_->url() +
                      "\n  token_file: " + secret("am-token", value("Alertmanager token")) + "\n";
        config_ = dir_.path() / "config.yaml";
        write_text(config_, config_text());
    }

    static std::string value(const std::string& kind) {
        for (const auto& c : canaries())
            if (c.kind == kind)
                return c.value;
        throw std::logic_error("no canary " + kind);
    }

    std::string config_text() const {
        std::string text = daemon_config(spec_, dir_.path());
        const std::string server = "server:\n  listen: \"127.0.0.1:0\"\n";
        text.replace(text.find(server), server.size(),
                     server + "  auth_token_file: " + token_file_ + "\n");
        return text;
    }

    std::optional<std::string> get(daemon_process& d, const std::string& target) {
        return http("GET", d.server_port(), target, "",
                    "Authorization: Bearer " + value("HTTP auth token") + "\r\n");
    }

    // Where a secret could show: the one list to extend.
    std::vector<surface> surfaces(daemon_process& d) {
        const auto page = [&](const std::string& target) {
            return [this, &d, target] { return get(d, target).value_or("(no answer)"); };
        };
        return {
            {"daemon log",
             [&] { return d.log_text() + read_text(dir_.path() / "daemon.log.out"); }},
            {"state directory files", [&] { return all_files(dir_.path() / "state"); }},
            {"Alertmanager's silences", [&] { return am_->silences_json().value_or(""); }},
            {"/api/v1/clusters", page("/api/v1/clusters")},
            {"/api/v1/clusters (a page)", page("/api/v1/clusters?sort=name&limit=1000")},
            {"/api/v1/clusters/{name}", page("/api/v1/clusters/stuck")},
            {"/api/v1/summary", page("/api/v1/summary")},
            {"/api/v1/changes", page("/api/v1/changes")},
            {"/metrics", page("/metrics")},
            {"dashboard /", page("/")},
            {"/healthz", page("/healthz")},
            {"/readyz", page("/readyz")},
            {"status (table)",
             [&] {
                 return run_canary_command(dir_.path(), "status-table",
                                           {"status", "-c", config_.string()});
             }},
            {"status --all",
             [&] {
                 return run_canary_command(dir_.path(), "status-all",
                                           {"status", "-c", config_.string(), "--all"});
             }},
            {"status --cluster",
             [&] {
                 return run_canary_command(
                     dir_.path(), "status-one",
                     {"status", "-c", config_.string(), "--cluster", "stuck"});
             }},
            {"status (json)",
             [&] {
                 return run_canary_command(dir_.path(), "status-json",
                                           {"status", "-c", config_.string(), "--format", "json"});
             }},
            {"deliveries (table)",
             [&] {
                 return run_canary_command(dir_.path(), "deliveries-table",
                                           {"deliveries", "-c", config_.string()});
             }},
            {"deliveries (json)",
             [&] {
                 return run_canary_command(
                     dir_.path(), "deliveries-json",
                     {"deliveries", "-c", config_.string(), "--format", "json"});
             }},
            {"history (table)",
             [&] {
                 return run_canary_command(dir_.path(), "history-table",
                                           {"history", "-c", config_.string()});
             }},
            {"history (json)",
             [&] {
                 return run_canary_command(dir_.path(), "history-json",
                                           {"history", "-c", config_.string(), "--format", "json"});
             }},
            {"/api/v1/history", page("/api/v1/history")},
            {"check-config",
             [&] {
                 return run_canary_command(dir_.path(), "check",
                                           {"check-config", "-c", config_.string()});
             }},
            {"preflight (table)",
             [&] {
                 return run_canary_command(dir_.path(), "preflight-table",
                                           {"preflight", "-c", config_.string(), "stuck"});
             }},
            {"preflight (json)",
             [&] {
                 return run_canary_command(
                     dir_.path(), "preflight-json",
                     {"preflight", "-c", config_.string(), "stuck", "--format", "json"});
             }},
            {"command notifier environment",
             [&] { return read_text(dir_.path() / "command-env"); }},
            // What the services received: the messages carry no credential of another.
            {"service messages",
             [&] { return http("GET", sim_->port(), "/_sim/services").value_or("(no answer)"); }},
            {"e-mail received by the relay", [&] { return relay_->received(); }},
        };
    }

    // Every canary: the fixed ones and the private key's.
    std::vector<canary> all_canaries() const {
        auto all = canaries();
        all.push_back({"NAVER WORKS private key", works_key_.canary});
        return all;
    }

    temp_dir dir_;
    works_key works_key_;
    std::optional<smtp_relay> relay_;
    std::optional<simulator> sim_;
    daemon_spec spec_;
    std::string token_file_;
    std::optional<test::alertmanager_server> am_;
    fs::path config_;
};

TEST_F(canary_test, no_secret_appears_on_any_surface) {
    daemon_process d(config_, dir_.path() / "daemon.log");
    ASSERT_NE(d.server_port(), 0) << d.log_text();
    ASSERT_TRUE(wait_until(
        [&] {
            const auto metrics = get(d, "/metrics");
            return metrics && metrics->find("cluster=\"stuck\",result=\"ok\"") != std::string::npos;
        },
        10s))
        << d.log_text();
    // The upgrades start (webhooks, the command), one node fails; the `gone` receiver
    // answers 404, so its events are dead-lettered with an error line.
    sim_->advance(30);
    sim_->advance(90);
    ASSERT_TRUE(wait_until(
        [&] {
            return d.log_text().find("notify gone: dead-lettered") != std::string::npos &&
                   fs::exists(dir_.path() / "command-env");
        },
        15s))
        << d.log_text();
    // A reload, and a failed one, log too.
    d.process().signal(SIGHUP);
    ASSERT_TRUE(
        wait_until([&] { return d.log_text().find("reloaded: ") != std::string::npos; }, 5s));
    write_text(config_, config_text() + "bogus_key: 1\n");
    d.process().signal(SIGHUP);
    ASSERT_TRUE(
        wait_until([&] { return d.log_text().find("reload failed") != std::string::npos; }, 5s));
    write_text(config_, config_text());

    // The surfaces were exercised: the receiver got signed deliveries, the token works,
    // the upgrades were silenced (the Alertmanager token sent).
    ASSERT_TRUE(wait_until(
        [&] { return am_->silences_json().value_or("").find("stuck") != std::string::npos; }, 10s))
        << d.log_text();
    const auto hooks = http("GET", sim_->port(), "/_sim/hooks");
    ASSERT_TRUE(hooks && hooks->find("webhook-signature") != std::string::npos);
    // ... and every service notifier delivered (a token was exchanged and used).
    for (const std::string service : {"works_message", "teams", "sens_sms", "sens_mail"}) {
        ASSERT_TRUE(wait_until(
            [&] {
                const auto records = http("GET", sim_->port(), "/_sim/services?service=" + service);
                return records && records->find("\"status\":20") != std::string::npos;
            },
            15s))
            << service << " received nothing accepted:\n"
            << http("GET", sim_->port(), "/_sim/services").value_or("") << d.log_text();
    }
    ASSERT_TRUE(wait_until([&] { return !relay_->received().empty(); }, 15s)) << d.log_text();
    ASSERT_TRUE(get(d, "/api/v1/clusters"));
    // The OpenSearch view was read with the password (so it went over the wire).
    ASSERT_TRUE(wait_until(
        [&] {
            const auto clusters = get(d, "/api/v1/clusters");
            return clusters &&
                   clusters->find(R"("opensearch":{"current":true)") != std::string::npos;
        },
        10s))
        << d.log_text();
    // The store holds the upgrades and the dead deliveries that `deliveries` lists, and the
    // history that `history` and /api/v1/history show. Waited for: the log lines above come
    // before the store's group commit, and on a loaded machine the second cluster's events
    // may come a poll or a backoff after the first one's dead letter.
    ASSERT_TRUE(fs::exists(dir_.path() / "state" / "state.db"));
    const auto eventually_shows = [&](const std::string& name, std::vector<std::string> args,
                                      const std::string& needle) {
        return wait_until(
            [&] {
                return run_canary_command(dir_.path(), name, args).find(needle) !=
                       std::string::npos;
            },
            15s);
    };
    ASSERT_TRUE(wait_until(
        [&] { return all_files(dir_.path() / "state").find("failing") != std::string::npos; }, 15s))
        << d.log_text();
    ASSERT_TRUE(eventually_shows(
        "deliveries-dead", {"deliveries", "-c", config_.string(), "--dead", "--format", "json"},
        "\"gone\""))
        << d.log_text();
    ASSERT_TRUE(eventually_shows(
        "history-check", {"history", "-c", config_.string(), "--format", "json"}, "failing"))
        << d.log_text();

    for (const auto& s : surfaces(d)) {
        const std::string text = s.read();
        EXPECT_FALSE(text.empty()) << s.name << " is empty: nothing was checked";
        for (const auto& c : all_canaries()) {
            EXPECT_EQ(text.find(c.value), std::string::npos)
                << "the " << c.kind << " leaks into " << s.name << ":\n"
                << text.substr(text.find(c.value) > 300 ? text.find(c.value) - 300 : 0, 600);
        }
    }
    EXPECT_EQ(d.stop(), 0);
}

}  // namespace
}  // namespace sesmon::daemon_test
