// Entry points of the loader, the shared helpers of load_context, and the small sections
// (state, server, logging).
#include "config/load.hpp"

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/ca_bundle.hpp"
#include "common/url.hpp"
#include "config/context.hpp"
#include "config/secret_file.hpp"

namespace sesmon::config_file {
namespace {

constexpr std::size_t max_config_size = 4 * 1024 * 1024;

const std::vector<std::string_view> root_keys{
    "api", "polling", "stall",  "clusters", "discovery",    "notifiers",   "state",
    "eta", "ha",      "server", "logging",  "alertmanager", "maintenance", "routes"};

void read_state(const load_context& ctx, const map_reader& root, state_config& out) {
    const map_reader state = root.child("state", {"directory", "history_retention"});
    state.read("history_retention", out.history_retention);
    std::string directory;
    if (state.read("directory", directory) && !directory.empty()) {
        out.directory = ctx.resolve(directory);
        return;
    }
    // systemd's StateDirectory= sets $STATE_DIRECTORY, several directories joined by ':'.
    if (const auto from_env = ctx.getenv("STATE_DIRECTORY")) {
        const std::string first = from_env->substr(0, from_env->find(':'));
        if (!first.empty()) {
            out.directory = first;
        }
    }
}

// "host:port" or "[v6]:port"; returns the host, or nullopt when malformed.
std::optional<std::string> listen_host(const std::string& listen) {
    std::string host;
    std::string port;
    if (!listen.empty() && listen.front() == '[') {
        const auto close = listen.find("]:");
        if (close == std::string::npos) {
            return std::nullopt;
        }
        host = listen.substr(1, close - 1);
        port = listen.substr(close + 2);
    } else {
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos) {
            return std::nullopt;
        }
        host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
        if (host.find(':') != std::string::npos) {
            return std::nullopt;  // a bare IPv6 literal needs brackets
        }
    }
    if (host.empty() || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
        return std::nullopt;
    }
    return host;
}

void read_server(const load_context& ctx, const map_reader& root, server_config& out) {
    const map_reader server = root.child("server", {"listen", "auth_token_file"});
    server.read("listen", out.listen);
    if (auto token = ctx.secret_file(server, "auth_token_file")) {
        out.auth_token = std::move(*token);
    }
    if (out.listen.empty()) {
        return;
    }
    const auto host = listen_host(out.listen);
    if (!host) {
        server.fail("listen",
                    "expected \"host:port\" (\"[::1]:port\" for IPv6), got \"" + out.listen + "\"");
    } else if (!common::is_loopback_host(*host) && !out.auth_token) {
        server.fail("listen", *host +
                                  " is not a loopback address: set server.auth_token_file "
                                  "to require a bearer token");
    }
}

void read_logging(const map_reader& root, logging_config& out) {
    const map_reader logging = root.child("logging", {"level", "format"});
    logging.read_enum<log_level>("level", "level",
                                 {{"trace", log_level::trace},
                                  {"debug", log_level::debug},
                                  {"info", log_level::info},
                                  {"warn", log_level::warn},
                                  {"error", log_level::error}},
                                 out.level);
    logging.read_enum<log_format>(
        "format", "format", {{"text", log_format::text}, {"json", log_format::json}}, out.format);
}

std::filesystem::path base_directory(const std::string& display_name) {
    std::error_code ec;
    const std::filesystem::path parent = std::filesystem::path(display_name).parent_path();
    auto base =
        parent.empty() ? std::filesystem::current_path(ec) : std::filesystem::absolute(parent, ec);
    return ec ? parent : base.lexically_normal();
}

}  // namespace

std::string load_context::resolve(const std::string& path) const {
    const std::filesystem::path p(path);
    return (p.is_absolute() ? p : base_dir / p).lexically_normal().string();
}

secret_file_rule load_context::rule_for(const std::string& resolved) const {
    // A file systemd placed in this service's credentials directory (e.g. a url_file under
    // /run/credentials/...) gets the credential rule, as the API key credentials do.
    const auto dir = getenv("CREDENTIALS_DIRECTORY");
    if (!dir || dir->empty()) {
        return secret_file_rule::owner_only;
    }
    const std::string prefix = std::filesystem::path(*dir).lexically_normal().string();
    const bool inside = resolved.size() > prefix.size() + 1 &&
                        resolved.compare(0, prefix.size(), prefix) == 0 &&
                        (prefix.back() == '/' || resolved[prefix.size()] == '/');
    return inside ? secret_file_rule::systemd_credential : secret_file_rule::owner_only;
}

std::optional<secret> load_context::secret_file(const map_reader& m, std::string_view key) const {
    std::string path;
    if (!m.read(key, path) || path.empty()) {
        return std::nullopt;
    }
    const std::string resolved = resolve(path);
    auto read = read_secret_file(resolved, rule_for(resolved));
    if (!read.ok()) {
        m.fail(key, read.problem);
        return std::nullopt;
    }
    return secret(std::move(read.value), "file " + resolved);
}

std::string load_context::readable_file(const map_reader& m, std::string_view key) const {
    std::string path;
    if (!m.read(key, path) || path.empty()) {
        return "";
    }
    const std::string resolved = resolve(path);
    if (::access(resolved.c_str(), R_OK) != 0) {
        m.fail(key, "cannot read " + resolved + ": " +
                        std::error_code(errno, std::generic_category()).message());
        return "";
    }
    return resolved;
}

std::string load_context::ca_file(const map_reader& m, std::string_view key) const {
    std::string resolved = readable_file(m, key);
    if (resolved.empty()) {
        return "";
    }
    if (auto problem = common::ca_bundle_problem(resolved); !problem.empty()) {
        m.fail(key, std::move(problem));
        return "";
    }
    return resolved;
}

sesmon::config parse(std::string_view yaml_text, const std::string& display_name,
                     const environment& env) {
    diagnostics diag(display_name);
    YAML::Node document;
    try {
        document = YAML::Load(std::string(yaml_text));
    } catch (const YAML::Exception& e) {
        diag.add(e.mark, "", "invalid YAML: " + e.msg);
        diag.throw_if_any();
    }
    const load_context ctx{diag, env, base_directory(display_name)};
    const map_reader root(diag, document, "", root_keys, YAML::Mark{});

    sesmon::config out;
    out.source_path = display_name;
    if (root.is_mapping()) {
        read_api(ctx, root, out.api);
        read_polling(root.child("polling", polling_keys), out.polling);
        read_stall(root.child("stall", stall_keys), out.stall);
        out.notifiers = read_notifiers(ctx, root, out.api);
        out.discovery = read_discovery(ctx, root, out);
        out.clusters = read_clusters(ctx, root, out);
        read_state(ctx, root, out.state);
        read_eta(root, out.eta);
        read_server(ctx, root, out.server);
        read_logging(root, out.logging);
        read_ha(ctx, root, out.discovery, out.ha);
        read_quiet(ctx, root, out);
    }
    diag.throw_if_any();
    return out;
}

sesmon::config load(const std::string& path, const environment& env) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int code = errno;
        throw error(path, {issue{0, 0, "",
                                 "cannot read: " +
                                     std::error_code(code, std::generic_category()).message()}});
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad() || text.str().size() > max_config_size) {
        throw error(path, {issue{0, 0, "", "cannot read: not a readable file of at most 4 MiB"}});
    }
    return parse(text.str(), path, env);
}

}  // namespace sesmon::config_file
