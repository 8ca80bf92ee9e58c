// The keys of issue 13: the `eta:` section and the adaptive stall rule's keys of `stall:`
// (global and per cluster). SPEC §3 and §4; docs/configuration.md.
#include "config/context.hpp"

namespace sesmon::config_file {

void read_adaptive_stall(const map_reader& m, stall_config& out) {
    double factor = out.adaptive_factor;
    if (m.read("adaptive_factor", factor)) {
        // Below 1 the rule would flag nodes faster than their peers' median.
        if (factor != 0 && (factor < 1 || factor > 100)) {
            m.fail("adaptive_factor", "must be 0 (off) or between 1 and 100");
        } else {
            out.adaptive_factor = factor;
        }
    }
    m.read("adaptive_min", out.adaptive_min);
}

void read_eta(const map_reader& root, eta_config& out) {
    const map_reader eta = root.child("eta", {"node_prior"});
    eta.read("node_prior", out.node_prior);
}

}  // namespace sesmon::config_file
