// ses-upgrade-sim: a simulator of the NAVER Cloud Search Engine Service API that plays
// rolling upgrades and failures from a scenario (docs/simulator.md).
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "net/http_server.hpp"
#include "sim/scenario.hpp"
#include "sim/self_signed.hpp"
#include "sim/simulator.hpp"

namespace {

struct cli_options {
    std::string listen = "127.0.0.1:8443";
    std::string scenario_file;
    std::string tls_cert, tls_key, self_signed;
    bool plain = false;
    std::string access_key, secret_key;
    double time_scale = 1.0;
    bool webhook_sink = false;
    std::vector<std::string> hook_secrets;
    std::size_t generate_clusters = 0;
    std::size_t generate_nodes = 0;
    long generate_spread = 0;
    std::string log_level = "info";
    bool notify_services = false;
    std::string works_public_key, works_client_id, works_client_secret;
    long long works_token_ttl = 86400;
    std::string teams_sig;
    std::string sens_access_key, sens_secret_key;
    std::vector<std::string> sens_senders;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void set_notify_services(const cli_options& o, sesmon::sim::simulator_options& sim) {
    sim.notify_services = o.notify_services;
    if (!o.works_public_key.empty())
        sim.works.public_key_pem = read_file(o.works_public_key);
    sim.works.client_id = o.works_client_id;
    sim.works.client_secret = o.works_client_secret;
    sim.works.token_ttl = std::chrono::seconds(o.works_token_ttl);
    sim.teams_signature = o.teams_sig;
    if (!o.sens_access_key.empty())
        sim.sens.credentials = {{o.sens_access_key, o.sens_secret_key}};
    sim.sens.senders = o.sens_senders;
}

// Polls every 50 ms until `server` has no connection left or `tries` ran out, then stops
// the io_context.
void wait_for_connections(boost::asio::io_context& io, boost::asio::steady_timer& timer,
                          sesmon::net::http_server& server, int tries) {
    if (server.connection_count() == 0 || tries == 0) {
        io.stop();
        return;
    }
    timer.expires_after(std::chrono::milliseconds(50));
    timer.async_wait([&io, &timer, &server, tries](const boost::system::error_code& ec) {
        if (!ec)
            wait_for_connections(io, timer, server, tries - 1);
    });
}

int run(const cli_options& o) {
    auto logger =
        std::make_shared<spdlog::logger>("sim", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_level(spdlog::level::from_str(o.log_level));
    logger->flush_on(spdlog::level::info);

    sesmon::system_clock real;
    sesmon::sim::scenario s;
    if (!o.scenario_file.empty()) {
        s = sesmon::sim::load_scenario_file(o.scenario_file, real.wall_now());
    } else {
        s.source = "(generated)";
        s.start = real.wall_now();
    }
    if (o.generate_clusters)
        sesmon::sim::add_generated_clusters(
            s, o.generate_clusters, {o.generate_nodes, std::chrono::seconds(o.generate_spread)});

    sesmon::sim::simulator_options sim_options;
    sim_options.time_scale = o.time_scale;
    if (!o.access_key.empty())
        sim_options.credentials = {{o.access_key, o.secret_key}};
    sim_options.webhook_sink = o.webhook_sink;
    for (const auto& entry : o.hook_secrets) {
        auto eq = entry.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw std::invalid_argument("--hook-secret must be NAME=SECRET");
        }
        sim_options.hook_secrets[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    set_notify_services(o, sim_options);

    sesmon::net::http_server_options server_options;
    server_options.listen = o.listen;
    server_options.max_body_bytes = 4 * 1024 * 1024;  // webhook bodies
    server_options.max_connections = 4096;
    if (!o.tls_cert.empty()) {
        server_options.tls_cert_file = o.tls_cert;
        server_options.tls_key_file = o.tls_key;
    } else if (!o.self_signed.empty()) {
        auto pems = sesmon::sim::make_self_signed_certificate();
        if (auto ec =
                sesmon::common::write_file_atomically(o.self_signed, pems.certificate, 0644)) {
            throw std::runtime_error("cannot write " + o.self_signed + ": " + ec.message());
        }
        server_options.tls_cert_pem = pems.certificate;
        server_options.tls_key_pem = pems.private_key;
    }

    boost::asio::io_context io;
    sesmon::sim::simulator sim(std::move(s), sim_options, real, io.get_executor(), logger);
    sesmon::net::http_server server(io.get_executor(), server_options, sim.handler(), logger);
    server.start();
    sim.start_opensearch(server_options);

    boost::asio::steady_timer force_exit(io);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec)
            return;
        logger->info("signal {}: shutting down", signal);
        server.stop();
        sim.stop_opensearch();
        // Let in-flight responses finish, but connections that do not finish soon (slow
        // bodies) must not hold the exit: give them 3 s.
        wait_for_connections(io, force_exit, server, 60);
    });

    auto host = o.listen.substr(0, o.listen.rfind(':'));
    const auto& sc = sim.current_scenario();
    logger->info("scenario {}: {} clusters, virtual start {}, time scale {}", sc.source,
                 sc.clusters.size(), sesmon::sim::format_kst(sc.start) + " KST", o.time_scale);
    std::cout << "listening on " << server.scheme() << "://" << host << ":" << server.port()
              << std::endl;
    io.run();
    logger->info("stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ses-upgrade-sim: simulator of the NAVER Cloud Search Engine Service API"};
    cli_options o;
    app.add_option("--listen", o.listen, "host:port to listen on (port 0: any free port)");
    app.add_option("--scenario", o.scenario_file, "scenario YAML file")->check(CLI::ExistingFile);
    auto* cert = app.add_option("--tls-cert", o.tls_cert, "TLS certificate chain (PEM)");
    auto* key = app.add_option("--tls-key", o.tls_key, "TLS private key (PEM)");
    cert->needs(key);
    key->needs(cert);
    auto* self = app.add_option("--self-signed", o.self_signed,
                                "generate a certificate for 127.0.0.1/localhost, write it here");
    auto* plain = app.add_flag("--plain", o.plain, "plain HTTP (no TLS)");
    plain->excludes(cert)->excludes(self);
    self->excludes(cert);
    auto* access = app.add_option("--access-key", o.access_key, "require this access key");
    auto* secret = app.add_option("--secret-key", o.secret_key, "secret key for signatures");
    access->needs(secret);
    secret->needs(access);
    app.add_option("--time-scale", o.time_scale, "virtual seconds per real second (0: frozen)")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--webhook-sink", o.webhook_sink, "accept webhooks on /hooks/<name>");
    app.add_option("--hook-secret", o.hook_secrets, "NAME=SECRET to verify /hooks/NAME");
    app.add_option("--generate-clusters", o.generate_clusters,
                   "add N fabricated clusters with upgrades in flight");
    auto* services = app.add_flag("--notify-services", o.notify_services,
                                  "emulate NAVER WORKS, Teams and SENS (docs/simulator.md)");
    app.add_option("--works-public-key", o.works_public_key,
                   "PEM public key that verifies the NAVER WORKS JWTs")
        ->check(CLI::ExistingFile)
        ->needs(services);
    app.add_option("--works-client-id", o.works_client_id, "NAVER WORKS client id")
        ->needs(services);
    app.add_option("--works-client-secret", o.works_client_secret, "NAVER WORKS client secret")
        ->needs(services);
    app.add_option("--works-token-ttl", o.works_token_ttl,
                   "seconds an access token lives (default 86400)")
        ->check(CLI::PositiveNumber)
        ->needs(services);
    app.add_option("--teams-sig", o.teams_sig, "the sig= a Teams workflow URL must carry")
        ->needs(services);
    auto* sens_access = app.add_option("--sens-access-key", o.sens_access_key,
                                       "check SENS signatures with this access key");
    auto* sens_secret =
        app.add_option("--sens-secret-key", o.sens_secret_key, "and this secret key");
    sens_access->needs(sens_secret)->needs(services);
    sens_secret->needs(sens_access);
    app.add_option("--sens-sender", o.sens_senders, "a registered SMS caller number (repeatable)")
        ->needs(services);
    app.add_option("--generate-nodes", o.generate_nodes,
                   "nodes per generated cluster (default: 3 to 6)")
        ->check(CLI::Range(1, 200));
    app.add_option("--generate-spread", o.generate_spread,
                   "seconds after the start over which generated upgrades keep starting")
        ->check(CLI::Range(0L, 86400L));
    app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    CLI11_PARSE(app, argc, argv);
    if (o.scenario_file.empty() && o.generate_clusters == 0) {
        std::cerr << "ses-upgrade-sim: --scenario FILE or --generate-clusters N is required\n";
        return 2;
    }
    if (o.tls_cert.empty() && o.self_signed.empty() && !o.plain) {
        std::cerr << "ses-upgrade-sim: choose --tls-cert/--tls-key, --self-signed PATH or "
                     "--plain\n";
        return 2;
    }
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "ses-upgrade-sim: " << e.what() << "\n";
        return 1;
    }
}
