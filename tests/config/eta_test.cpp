// The keys of issue 13: stall.adaptive_factor / adaptive_min (global and per cluster) and
// the eta section (SPEC §3).
#include <gtest/gtest.h>

#include "support.hpp"

namespace sesmon::config_file {
namespace {

using namespace testing;
using namespace std::chrono_literals;

TEST(eta_config_test, defaults_are_the_specs) {
    const auto cfg = parse(one_cluster, "config.yaml", keys_environment());
    EXPECT_EQ(cfg.stall.adaptive_factor, 3);
    EXPECT_EQ(cfg.stall.adaptive_min, 10min);
    EXPECT_EQ(cfg.eta.node_prior, 12min);
    EXPECT_EQ(cfg.clusters[0].stall.adaptive_factor, 3);
}

TEST(eta_config_test, keys_are_read_globally_and_per_cluster) {
    const auto cfg = parse(R"(
stall: { adaptive_factor: 2.5, adaptive_min: 4m }
eta: { node_prior: 7m }
clusters:
  - name: a
    instance_no: "1"
  - name: b
    instance_no: "2"
    stall: { adaptive_factor: 0 }
)",
                           "config.yaml", keys_environment());
    EXPECT_EQ(cfg.stall.adaptive_factor, 2.5);
    EXPECT_EQ(cfg.stall.adaptive_min, 4min);
    EXPECT_EQ(cfg.eta.node_prior, 7min);
    EXPECT_EQ(cfg.clusters[0].stall.adaptive_factor, 2.5);  // inherited
    EXPECT_EQ(cfg.clusters[1].stall.adaptive_factor, 0);    // off for this cluster
    EXPECT_EQ(cfg.clusters[1].stall.adaptive_min, 4min);
}

TEST(eta_config_test, bad_values_and_typos_are_errors) {
    EXPECT_NE(error_of(one_cluster + "stall: { adaptive_factor: 0.5 }\n")
                  .find("stall.adaptive_factor: must be 0 (off) or between 1 and 100"),
              std::string::npos);
    EXPECT_NE(error_of(one_cluster + "stall: { adaptive_factor: -1 }\n").find("adaptive_factor"),
              std::string::npos);
    EXPECT_NE(error_of(one_cluster + "stall: { adaptive_min: soon }\n").find("invalid duration"),
              std::string::npos);
    EXPECT_NE(error_of(one_cluster + "eta: { node_prior: 0s }\n").find("greater than 0"),
              std::string::npos);
    const std::string typo = error_of(one_cluster + "eta: { node_prio: 5m }\n");
    EXPECT_NE(typo.find("eta.node_prio"), std::string::npos) << typo;
    EXPECT_NE(typo.find("node_prior"), std::string::npos) << typo;  // did you mean
}

}  // namespace
}  // namespace sesmon::config_file
