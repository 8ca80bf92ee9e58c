#include "config/readiness.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <system_error>

#include "common/time_format.hpp"
#include "common/url.hpp"

namespace sesmon::config_file {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// An issue at a node of the file's text (no position when the text has no such node).
issue at(const YAML::Node& node, std::string path, std::string message) {
    issue out{0, 0, std::move(path), std::move(message)};
    if (node.IsDefined() && node.Mark().line >= 0) {
        out.line = node.Mark().line + 1;
        out.column = node.Mark().column + 1;
    }
    return out;
}

// notifiers[index] (or its `key`, when given) in the file's text, or an undefined node.
YAML::Node notifier_node(const YAML::Node& root, std::size_t index, const std::string& key) {
    try {
        const YAML::Node list = root["notifiers"];
        if (list.IsSequence() && index < list.size() && list[index].IsMap())
            return key.empty() ? list[index] : list[index][key];
    } catch (const YAML::Exception&) {
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

// In an HA group every send ends by the leader's term deadline, which is at most
// lease_ttl / 2 ahead when it starts (issue 21; SPEC §12 invariant 3).
std::string cut_timeout_warning(duration timeout, duration lease_ttl) {
    // Half a whole-second TTL may be a half second: "7.5s", not format_duration's "7s".
    const auto exact = [](duration d) {
        if (d < std::chrono::minutes(1) && d % std::chrono::seconds(1) != duration::zero()) {
            std::ostringstream out;
            out << std::chrono::duration<double>(d).count() << "s";
            return out.str();
        }
        return common::format_duration(d);
    };
    return "warning: " + exact(timeout) + " is more than half of ha.lease_ttl (" +
           exact(lease_ttl) +
           "): in an HA group every send ends by the leader's term deadline, at most " +
           exact(lease_ttl / 2) +
           " after it starts, so this timeout never fires and a slow receiver is cut sooner; "
           "lower the timeout or raise ha.lease_ttl";
}

std::string program_problem(const std::string& program) {
    struct stat st {};
    if (::stat(program.c_str(), &st) != 0) {
        const int code = errno;
        return program + ": " + std::error_code(code, std::generic_category()).message() +
               " (install it, or fix argv[0])";
    }
    if (!S_ISREG(st.st_mode))
        return program + " is not a regular file";
    if (::access(program.c_str(), X_OK) != 0 || (st.st_mode & 0111) == 0)
        return program + " is not executable (chmod +x, or fix argv[0])";
    return "";
}

std::string placeholder_warning(const std::string& host, std::string_view what) {
    return "warning: " + std::string(what) + " host " + host +
           " is an example/placeholder host: replace it with the real one";
}

}  // namespace

bool is_placeholder_host(std::string_view host) {
    std::string h(host);
    std::transform(h.begin(), h.end(), h.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!h.empty() && h.back() == '.')
        h.pop_back();
    for (const std::string_view domain : {"example.com", "example.net", "example.org"}) {
        if (h == domain || ends_with(h, "." + std::string(domain)))
            return true;
    }
    for (const std::string_view tld : {"example", "invalid", "test"}) {
        if (h == tld || ends_with(h, "." + std::string(tld)))
            return true;
    }
    return false;
}

namespace {

// The checks. `yaml_text` is read, and parsed for positions, only once something is found:
// the daemon runs these at every start and reload, and a file of 10,000 clusters takes
// a good part of a second to parse.
readiness check(const sesmon::config& cfg, const std::function<std::string()>& yaml_text) {
    std::optional<YAML::Node> parsed;
    const auto root = [&]() -> const YAML::Node& {
        if (!parsed) {
            parsed.emplace();
            try {
                *parsed = YAML::Load(yaml_text());
            } catch (const YAML::Exception&) {  // it loaded before; without it, no positions
            }
        }
        return *parsed;
    };
    readiness out;
    for (std::size_t i = 0; i < cfg.notifiers.size(); ++i) {
        const notifier_config& n = cfg.notifiers[i];
        const std::string path = "notifiers[" + std::to_string(i) + "]";
        if (n.type == notifier_type::command && !n.argv.empty()) {
            if (auto problem = program_problem(n.argv.front()); !problem.empty()) {
                YAML::Node argv = notifier_node(root(), i, "argv");
                if (argv.IsSequence() && argv.size() > 0)
                    argv = argv[0];
                out.errors.push_back(at(argv, path + ".argv[0]", std::move(problem)));
            }
        }
        if (cfg.ha && n.type != notifier_type::log && n.timeout > cfg.ha->lease_ttl / 2) {
            // At its timeout key; at the notifier when the default applies. (A missing key's
            // node must not be assigned to: yaml-cpp throws.)
            const YAML::Node key = notifier_node(root(), i, "timeout");
            out.warnings.push_back(at(key.IsDefined() ? key : notifier_node(root(), i, ""),
                                      path + ".timeout",
                                      cut_timeout_warning(n.timeout, cfg.ha->lease_ttl)));
        }
        if (n.type == notifier_type::webhook) {
            const auto url = common::parse_url(n.url.reveal());
            if (url && is_placeholder_host(url->host)) {
                const std::string key = n.url.origin().starts_with("file ") ? "url_file" : "url";
                out.warnings.push_back(at(notifier_node(root(), i, key), path + "." + key,
                                          placeholder_warning(url->host, "webhook")));
            }
        }
    }
    if (const auto endpoint = common::parse_url(cfg.api.endpoint);
        endpoint && is_placeholder_host(endpoint->host)) {
        YAML::Node node(YAML::NodeType::Undefined);
        try {
            if (root()["api"].IsMap())
                node = root()["api"]["endpoint"];
        } catch (const YAML::Exception&) {
        }
        out.warnings.push_back(
            at(node, "api.endpoint", placeholder_warning(endpoint->host, "API endpoint")));
    }
    return out;
}

}  // namespace

readiness check_readiness(const sesmon::config& cfg, std::string_view yaml_text) {
    return check(cfg, [&] { return std::string(yaml_text); });
}

readiness check_readiness(const sesmon::config& cfg) {
    return check(cfg, [&] {
        std::ifstream in(cfg.source_path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    });
}

}  // namespace sesmon::config_file
