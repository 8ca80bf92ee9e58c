// What must fail when the file is loaded (check-config exit 2, file:line:col) rather than
// later at `run`: signing secrets that are not what they claim, CA files that would not
// load, durations too long for the clocks; and what 0s means per key.
#include "config/load.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using namespace std::chrono_literals;
using testing::error_of;
using testing::one_cluster;
using testing::scratch_dir;

// A public, self-signed certificate (no key needed to trust it).
constexpr const char* certificate_pem = R"(-----BEGIN CERTIFICATE-----
MIIBkTCCATegAwIBAgIUQcXSC55mRN971molt6XVj2GoYzQwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSc2VzbW9uLWNvbmZpZy10ZXN0MCAXDTI2MTEyOTE2NDgyMFoY
DzIxMjYxMTA1MTY0ODIwWjAdMRswGQYDVQQDDBJzZXNtb24tY29uZmlnLXRlc3Qw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATKPd8Z5iT2MIo8POUQaNad+V/SMKK5
UK+9K27Y/Jtc5T2NUW3PHbg4aljfV7gFmvSyDM4kDTPRD+iEYlVYLfD9o1MwUTAd
BgNVHQ4EFgQUUnXz5qt4cXCt7auPrmr9UQWgoVQwHwYDVR0jBBgwFoAUUnXz5qt4
cXCt7auPrmr9UQWgoVQwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
AiEAxpf2XrA8EUNb0PqsHcZS+Wt1BC+YRx5B08ygS1XR8l0CIH4zhQJ/VfAjItov
QpqBr/VEIxEIS/EDoq0nJiLWE9e2
-----END CERTIFICATE-----
)";

std::string webhook_with(const std::string& keys) {
    return one_cluster + "notifiers:\n  - name: hook\n    type: webhook\n" +
           "    url: https://hooks.example.com/x\n" + keys;
}

TEST(load_time_checks_test, whsec_secret_that_is_not_base64_fails_at_its_key) {
    scratch_dir dir;
    const std::string path = dir.write("signing", "whsec_not*base64!-CANARY\n");
    const std::string message = error_of(webhook_with("    signing_secret_file: " + path + "\n"));
    EXPECT_EQ(message, "config.yaml:8:26: notifiers[0].signing_secret_file: the secret (file " +
                           path +
                           ") starts with whsec_ but the rest is not Base64: whsec_ means the "
                           "key is the Base64 decoding of what follows");
    EXPECT_EQ(message.find("CANARY"), std::string::npos);
    // Nothing after the prefix is no key either.
    const std::string empty = dir.write("empty", "whsec_\n");
    EXPECT_NE(error_of(webhook_with("    signing_secret_file: " + empty + "\n")), "");
}

TEST(load_time_checks_test, whsec_secret_in_base64_and_plain_secrets_load) {
    scratch_dir dir;
    const std::string good = dir.write("good", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
    const std::string plain = dir.write("plain", "just a shared secret\n");
    EXPECT_EQ(error_of(webhook_with("    signing_secret_file: " + good + "\n")), "");
    EXPECT_EQ(error_of(webhook_with("    signing_secret_file: " + plain + "\n")), "");
}

TEST(load_time_checks_test, ca_file_that_is_not_pem_fails_for_the_api_and_for_notifiers) {
    scratch_dir dir;
    const std::string junk = dir.write("junk.pem", "this is not a certificate\n", 0644);
    const std::string api = error_of(one_cluster + "api:\n  ca_file: " + junk + "\n");
    EXPECT_EQ(api.rfind("config.yaml:5:12: api.ca_file: " + junk + " is not a PEM CA bundle (", 0),
              0u)
        << api;
    const std::string hook = error_of(webhook_with("    ca_file: " + junk + "\n"));
    EXPECT_EQ(
        hook.rfind("config.yaml:8:14: notifiers[0].ca_file: " + junk + " is not a PEM CA bundle (",
                   0),
        0u)
        << hook;
    // A block that claims to be a certificate but does not decode.
    const std::string broken = dir.write(
        "broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA!!!!\n-----END CERTIFICATE-----\n", 0644);
    EXPECT_NE(error_of(one_cluster + "api:\n  ca_file: " + broken + "\n"), "");
}

TEST(load_time_checks_test, ca_file_with_a_certificate_loads) {
    scratch_dir dir;
    const std::string bundle = dir.write("ca.pem", certificate_pem, 0644);
    EXPECT_EQ(error_of(one_cluster + "api:\n  ca_file: " + bundle + "\n"), "");
    EXPECT_EQ(error_of(webhook_with("    ca_file: " + bundle + "\n")), "");
}

TEST(load_time_checks_test, durations_above_400_days_are_refused_everywhere) {
    EXPECT_EQ(error_of(one_cluster + "stall: { blind_timeout: 401d }\n"),
              "config.yaml:4:25: stall.blind_timeout: invalid duration \"401d\": use 500ms, 30s, "
              "5m, 2h, 1h30m or 7d, at most 400d");
    EXPECT_NE(error_of(one_cluster + "polling: { max_backoff: 9601h }\n"), "");
    EXPECT_NE(error_of(one_cluster + "api: { timeout: 400d1ms }\n"), "");
    EXPECT_NE(error_of(webhook_with("    retry: { max_age: 100000h }\n")), "");
    EXPECT_NE(error_of(one_cluster + "    stall: { node_stage_timeout: 99999999999999999999d }\n"),
              "");
    const sesmon::config cfg =
        parse(one_cluster + "stall: { blind_timeout: 400d }\npolling: { max_backoff: 9600h }\n",
              "c.yaml", testing::keys_environment());
    EXPECT_EQ(cfg.clusters[0].stall.blind_timeout, std::chrono::days(400));
    EXPECT_EQ(cfg.clusters[0].polling.max_backoff, std::chrono::days(400));
}

TEST(load_time_checks_test, zero_switches_stall_checks_off_and_is_refused_elsewhere) {
    const sesmon::config cfg =
        parse(one_cluster +
                  "stall: { node_stage_timeout: 0s, no_progress_timeout: 0s, blind_timeout: 0s }\n",
              "c.yaml", testing::keys_environment());
    EXPECT_EQ(cfg.clusters[0].stall.node_stage_timeout, 0ms);
    EXPECT_EQ(cfg.clusters[0].stall.no_progress_timeout, 0ms);
    EXPECT_EQ(cfg.clusters[0].stall.blind_timeout, 0ms);
    for (const std::string refused :
         {"api: { timeout: 0s }", "polling: { interval: 0s }", "polling: { idle_interval: 0s }",
          "polling: { max_backoff: 0ms }"}) {
        EXPECT_NE(error_of(one_cluster + refused + "\n").find("must be greater than 0"),
                  std::string::npos)
            << refused;
    }
    for (const std::string refused :
         {"    timeout: 0s", "    retry: { initial_backoff: 0s }", "    retry: { max_backoff: 0s }",
          "    retry: { max_age: 0s }"}) {
        EXPECT_NE(error_of(webhook_with(refused + "\n")).find("must be greater than 0"),
                  std::string::npos)
            << refused;
    }
}

}  // namespace
}  // namespace sesmon::config_file
