// The `opensearch:` section of a cluster and of discovery.defaults (SPEC §16): where the
// cluster's own endpoint is, how to log in, and how often to read it.
#include "common/url.hpp"
#include "config/context.hpp"

namespace sesmon::config_file {

namespace {

const std::vector<std::string_view> opensearch_keys{"url",           "from_api", "username",
                                                    "password_file", "ca_file",  "interval"};

// The view needs a few seconds to be worth anything and must not hammer the cluster.
constexpr duration min_interval = std::chrono::seconds(1);

void read_url(const map_reader& m, opensearch_config& out) {
    std::string url;
    if (!m.read("url", url) || url.empty())
        return;
    if (std::string problem = check_url(url); !problem.empty()) {
        m.fail("url", problem);
        return;
    }
    const auto parsed = common::parse_url(url);
    if (parsed->target.find('?') != std::string::npos) {
        m.fail("url", "the OpenSearch base URL takes no query (" + parsed->origin() + ")");
        return;
    }
    while (url.size() > 1 && url.back() == '/')
        url.pop_back();
    out.url = std::move(url);
}

}  // namespace

std::optional<opensearch_config> read_opensearch(const load_context& ctx, const map_reader& parent,
                                                 opensearch_scope scope) {
    if (!parent.has("opensearch"))
        return std::nullopt;
    const map_reader m = parent.child("opensearch", opensearch_keys);
    if (!m.is_mapping())
        return std::nullopt;
    opensearch_config out;
    read_url(m, out);
    m.read("from_api", out.from_api);
    if (m.has("url") && out.from_api) {
        m.fail("from_api", "give either url or from_api: true, not both");
    } else if (!m.has("url") && !out.from_api) {
        m.fail_here("needs url (the cluster's OpenSearch endpoint) or from_api: true");
    }
    if (scope == opensearch_scope::discovery_defaults && m.has("url")) {
        m.fail("url",
               "one url would point every discovered cluster at the same endpoint; use "
               "from_api: true in discovery.defaults");
    }
    m.read("username", out.username);
    out.password = ctx.secret_file(m, "password_file");
    if (m.has("password_file") && out.username.empty() && !out.from_api)
        m.fail("password_file", "needs username (the OpenSearch user it is the password of)");
    if (!out.username.empty() && !m.has("password_file"))
        m.fail("username", "needs password_file (the OpenSearch user's password, a secret)");
    if (out.from_api && !m.has("password_file")) {
        m.fail_here(
            "from_api: true needs password_file (getClusterInfo names the user, not its "
            "password)");
    }
    out.ca_file = ctx.ca_file(m, "ca_file");
    if (m.read("interval", out.interval) && out.interval < min_interval)
        m.fail("interval", "must be at least 1s");
    return out;
}

}  // namespace sesmon::config_file
