// Fuzz target: the HTTP server's request handling without a socket — the bytes of one
// connection parsed as the server parses them (net/request_parsing.hpp, the server's default
// limits), then each request's accessors and the daemon's router (web/routes.hpp, with an
// auth token and a small cluster view) answering it.
#include <cstdint>
#include <string_view>

#include "net/request_parsing.hpp"
#include "web/routes.hpp"

namespace {

sesmon::web::daemon_view sample_view() {
    sesmon::web::daemon_view v;
    v.version = "fuzz";
    v.ready = true;
    sesmon::web::cluster_view c;
    c.name = "prod-logs";
    c.instance_no = "1037001";
    c.region = "KR";
    v.clusters.push_back(c);
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static sesmon::web::metrics metrics;
    static const sesmon::web::router router(sample_view, metrics,
                                            sesmon::secret("fuzz-token", "fuzz"));
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    for (const auto& parsed : sesmon::net::parse_requests(bytes, {})) {
        if (parsed.refusal) {
            if (parsed.refusal->status < 400 || parsed.refusal->status > 499)
                __builtin_trap();
            continue;
        }
        const auto& request = *parsed.request;
        (void)request.path();
        (void)request.query_param("cluster");
        (void)request.header("authorization");
        const auto response = router.handle(request);
        if (response.status < 200 || response.status > 599)
            __builtin_trap();
    }
    return 0;
}
