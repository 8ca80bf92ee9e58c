// The notifier types of SPEC §15 (naver_works, teams, ncp_mail, ncp_sms, smtp) and the
// `language` / `time_zone` every notifier takes.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "config/load.hpp"
#include "config/summary.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using testing::error_of;
using testing::scratch_dir;

const std::string cluster_block = "clusters:\n  - { name: a, instance_no: \"1\" }\n";

std::string rsa_pem(int bits) {
    EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned>(bits));
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

class notifier_services_test : public ::testing::Test {
  protected:
    notifier_services_test() {
        static const std::string key = rsa_pem(2048);
        dir_.write("works-key.pem", key);
        dir_.write("works-secret", "WORKS-CLIENT-SECRET-1\n");
        dir_.write("teams-url",
                   "https://prod-12.japaneast.logic.azure.com/workflows/x?sig=TEAMSSIG\n");
        dir_.write("smtp-password", "SMTP-PASSWORD-1\n");
        dir_.write("sens-access", "SENS-ACCESS-1\n");
        dir_.write("sens-secret", "SENS-SECRET-1\n");
    }

    sesmon::config load(const std::string& notifiers, const std::string& api = "") {
        return parse(api + cluster_block + "notifiers:\n" + notifiers, path(),
                     testing::keys_environment());
    }
    std::string error(const std::string& notifiers, const std::string& api = "") {
        return error_of(api + cluster_block + "notifiers:\n" + notifiers,
                        testing::keys_environment(), path());
    }
    std::string path() const { return dir_.path().string() + "/config.yaml"; }

    static std::string works(const std::string& extra = "") {
        return "  - name: works\n    type: naver_works\n    bot_id: \"2000001\"\n"
               "    client_id: client-1\n    client_secret_file: works-secret\n"
               "    service_account: abcd.serviceaccount@example\n"
               "    private_key_file: works-key.pem\n" +
               extra;
    }

    scratch_dir dir_;
};

TEST_F(notifier_services_test, naver_works_with_defaults) {
    const auto cfg = load(works("    channel_id: ab12-cd34\n    language: ko\n"));
    const notifier_config& n = cfg.notifiers.at(0);
    EXPECT_EQ(n.type, notifier_type::naver_works);
    EXPECT_EQ(n.works.channel_id, "ab12-cd34");
    EXPECT_EQ(n.works.client_secret.reveal(), "WORKS-CLIENT-SECRET-1");
    EXPECT_EQ(n.works.token_url, "https://auth.worksmobile.com/oauth2/v2.0/token");
    EXPECT_EQ(n.works.api_url, "https://www.worksapis.com/v1.0");
    EXPECT_EQ(n.language, message_language::ko);
    EXPECT_EQ(n.time_zone.name, "Asia/Seoul");
    EXPECT_EQ(n.time_zone.abbreviation, "KST");
    EXPECT_EQ(n.events.size(), std::size(all_event_types) - 1);  // all but node_changed
}

TEST_F(notifier_services_test, naver_works_problems_are_reported_at_their_keys) {
    EXPECT_NE(
        error(works()).find("set channel_id (a channel the bot is in) or user_id, exactly one"),
        std::string::npos);
    EXPECT_NE(error(works("    channel_id: a\n    user_id: b\n")).find("exactly one"),
              std::string::npos);
    dir_.write("bad-key.pem", "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n");
    const std::string bad = error(
        "  - name: works\n    type: naver_works\n    bot_id: \"1\"\n    channel_id: c\n"
        "    client_id: c\n    client_secret_file: works-secret\n    service_account: s\n"
        "    private_key_file: bad-key.pem\n");
    EXPECT_NE(bad.find("notifiers[0].private_key_file: file " + dir_.path().string() +
                       "/bad-key.pem: not a PEM private key"),
              std::string::npos)
        << bad;
    dir_.write("world-key.pem", "x", 0644);
    EXPECT_NE(error(works("    channel_id: c\n")
                        .replace(works().find("works-key.pem"), 13, "world-key.pem"))
                  .find("is readable by group or others"),
              std::string::npos);
    EXPECT_NE(error(works("    channel_id: c\n    token_url: http://auth.example.net/t\n"))
                  .find("notifiers[0].token_url: must be https://"),
              std::string::npos);
    EXPECT_NE(error("  - name: w\n    type: naver_works\n")
                  .find("bot_id: required for type "
                        "naver_works"),
              std::string::npos);
    EXPECT_NE(error(works("    channel_id: c\n    argv: [/bin/true]\n"))
                  .find("notifiers[0].argv: not used by type naver_works"),
              std::string::npos);
}

TEST_F(notifier_services_test, teams_takes_its_url_from_a_secret_file) {
    const auto cfg = load(
        "  - name: teams\n    type: teams\n    url_file: teams-url\n"
        "    language: ja\n    time_zone: Asia/Tokyo\n");
    const notifier_config& n = cfg.notifiers.at(0);
    EXPECT_EQ(n.url.reveal(), "https://prod-12.japaneast.logic.azure.com/workflows/x?sig=TEAMSSIG");
    EXPECT_EQ(n.time_zone.abbreviation, "JST");
    EXPECT_NE(error("  - name: teams\n    type: teams\n").find("url: required"), std::string::npos);
}

TEST_F(notifier_services_test, sens_uses_the_api_keys_unless_given_its_own) {
    const auto cfg = load(
        "  - name: mail\n    type: ncp_mail\n    service_id: \"ncp:mail:kr:1:x\"\n"
        "    sender_address: monitor@example.com\n    to: [oncall@example.com]\n"
        "  - name: sms\n    type: ncp_sms\n    service_id: \"ncp:sms:kr:1:x\"\n"
        "    from: \"0212345678\"\n    to: [\"01012345678\"]\n"
        "    access_key_file: sens-access\n    secret_key_file: sens-secret\n");
    const notifier_config& mail = cfg.notifiers.at(0);
    EXPECT_EQ(mail.sens.endpoint, "https://sens.apigw.ntruss.com");
    EXPECT_EQ(mail.sens.access_key.reveal(), testing::test_access_key);
    EXPECT_EQ(mail.recipients, std::vector<std::string>{"oncall@example.com"});
    const notifier_config& sms = cfg.notifiers.at(1);
    EXPECT_EQ(sms.sens.secret_key.reveal(), "SENS-SECRET-1");
    EXPECT_EQ(sms.sens.country_code, "82");
    // SMS pages: stalls, failures and blindness unless told otherwise.
    EXPECT_EQ(sms.events,
              (std::vector<event_type>{event_type::upgrade_failed, event_type::upgrade_stalled,
                                       event_type::monitor_blind}));
    const auto mailer = load(
        "  - name: mail\n    type: ncp_mail\n    mail_api: outbound_mailer\n"
        "    sender_address: m@example.com\n    to: [o@example.com]\n");
    EXPECT_EQ(mailer.notifiers[0].sens.endpoint, "https://mail.apigw.ntruss.com");
}

TEST_F(notifier_services_test, sens_problems) {
    EXPECT_NE(error("  - name: m\n    type: ncp_mail\n    service_id: s\n"
                    "    sender_address: m@example.com\n    to: [\"Ops <o@example.com>\"]\n")
                  .find("notifiers[0].to[0]: not an e-mail address"),
              std::string::npos);
    EXPECT_NE(error("  - name: s\n    type: ncp_sms\n    service_id: s\n    from: \"02-123\"\n"
                    "    to: [\"010\"]\n")
                  .find("notifiers[0].from: the registered caller number, digits only"),
              std::string::npos);
    EXPECT_NE(error("  - name: s\n    type: ncp_sms\n    service_id: s\n    from: \"0212\"\n"
                    "    to: [\"010\"]\n    access_key_file: sens-access\n")
                  .find("set access_key_file and secret_key_file together"),
              std::string::npos);
}

TEST_F(notifier_services_test, smtp_defaults_and_rules) {
    const auto cfg = load(
        "  - name: mail\n    type: smtp\n    host: smtp.example.net\n"
        "    from: monitor@example.com\n    to: [oncall@example.com]\n"
        "    username: monitor\n    password_file: smtp-password\n");
    const notifier_config& n = cfg.notifiers.at(0);
    EXPECT_EQ(n.smtp.port, 587);
    EXPECT_EQ(n.smtp.security, smtp_security::starttls);
    EXPECT_EQ(n.smtp.password->reveal(), "SMTP-PASSWORD-1");
    EXPECT_EQ(load("  - name: m\n    type: smtp\n    host: smtp.example.net\n    security: tls\n"
                   "    from: m@example.com\n    to: [o@example.com]\n")
                  .notifiers[0]
                  .smtp.port,
              465);
    EXPECT_NE(error("  - name: m\n    type: smtp\n    host: smtp.example.net\n    security: none\n"
                    "    from: m@example.com\n    to: [o@example.com]\n")
                  .find("none (no TLS) is allowed only to loopback hosts"),
              std::string::npos);
    EXPECT_EQ(error("  - name: m\n    type: smtp\n    host: 127.0.0.1\n    security: none\n"
                    "    from: m@example.com\n    to: [o@example.com]\n"),
              "");
    EXPECT_NE(error("  - name: m\n    type: smtp\n    host: smtp.example.net\n"
                    "    from: m@example.com\n    to: [o@example.com]\n    username: u\n")
                  .find("set username and password_file together"),
              std::string::npos);
}

TEST_F(notifier_services_test, language_and_time_zone_for_every_type) {
    const auto cfg = load(
        "  - { name: journal, type: log, language: ja }\n"
        "  - { name: hook, type: webhook, format: slack, url: \"https://hooks.example.net/x\", "
        "language: ko, time_zone: UTC }\n");
    EXPECT_EQ(cfg.notifiers[0].language, message_language::ja);
    EXPECT_EQ(cfg.notifiers[1].time_zone.abbreviation, "UTC");
    EXPECT_NE(error("  - { name: j, type: log, language: fr }\n").find("unknown language \"fr\""),
              std::string::npos);
    EXPECT_NE(error("  - { name: j, type: log, time_zone: Europe/Berlin }\n")
                  .find("unknown time zone \"Europe/Berlin\" (expected UTC, Asia/Seoul or "
                        "Asia/Tokyo: zones without daylight saving time)"),
              std::string::npos);
    // The default is the API's zone: JST on the JPN region, UTC for Z, an offset otherwise.
    EXPECT_EQ(
        load("  - { name: j, type: log }\n", "api: { region: JPN }\n").notifiers[0].time_zone.name,
        "Asia/Tokyo");
    EXPECT_EQ(load("  - { name: j, type: log }\n", "api: { time_zone_offset: Z }\n")
                  .notifiers[0]
                  .time_zone.name,
              "UTC");
    EXPECT_EQ(load("  - { name: j, type: log }\n", "api: { time_zone_offset: \"+05:30\" }\n")
                  .notifiers[0]
                  .time_zone.abbreviation,
              "UTC+05:30");
}

TEST_F(notifier_services_test, the_summary_names_where_secrets_came_from_never_their_values) {
    const auto cfg = load(
        works("    channel_id: c\n") +
        "  - name: teams\n    type: teams\n    url_file: teams-url\n"
        "  - name: mail\n    type: smtp\n    host: smtp.example.net\n"
        "    from: monitor@example.com\n    to: [oncall@example.com]\n"
        "    username: monitor\n    password_file: smtp-password\n"
        "  - name: sms\n    type: ncp_sms\n    service_id: s\n    from: \"0212\"\n"
        "    to: [\"010\"]\n    access_key_file: sens-access\n    secret_key_file: sens-secret\n");
    const std::string text = summarize(cfg);
    for (const char* value : {"WORKS-CLIENT-SECRET-1", "TEAMSSIG", "SMTP-PASSWORD-1",
                              "SENS-ACCESS-1", "SENS-SECRET-1", "BEGIN"}) {
        EXPECT_EQ(text.find(value), std::string::npos) << value << " in\n" << text;
    }
    EXPECT_NE(text.find("client secret: file " + dir_.path().string() + "/works-secret"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("teams, to https://prod-12.japaneast.logic.azure.com (URL from file"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("English texts, times in Asia/Seoul (KST)"), std::string::npos) << text;
}

}  // namespace
}  // namespace sesmon::config_file
