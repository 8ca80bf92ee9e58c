// The bodies of naver_works, teams, ncp_mail/smtp and ncp_sms (pure), their size limits, and
// docs/notifiers.md's examples, which must be what the code produces.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "notify/format_mail.hpp"
#include "notify/format_sms.hpp"
#include "notify/format_teams.hpp"
#include "notify/format_works.hpp"
#include "notify/service_reply.hpp"
#include "notify/utf8_text.hpp"
#include "notify/works_token.hpp"
#include "sample_event.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;

const text_options korean{message_language::ko, {"Asia/Seoul", 9h, "KST"}};
const text_options japanese{message_language::ja, {"Asia/Tokyo", 9h, "JST"}};
const text_options english{message_language::en, {"Asia/Seoul", 9h, "KST"}};

rapidjson::Document parse_body(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    EXPECT_FALSE(doc.HasParseError()) << text;
    return doc;
}

event blind_with_error(std::size_t length) {
    event e = test::stalled_event();
    e.type = event_type::monitor_blind;
    e.node.reset();
    e.stall.reset();
    e.error = std::string(length, 'x');
    e.summary = "prod-logs: no successful poll for 12m: " + *e.error;
    return e;
}

TEST(utf8_text_test, shorten_counts_in_each_unit_and_never_splits_a_character) {
    EXPECT_EQ(shorten("가나다라", 3, "…", text_unit::characters), "가나…");
    EXPECT_EQ(shorten("가나다라", 7, "", text_unit::bytes), "가나");  // 3 bytes each
    EXPECT_EQ(shorten("ab가나", 5, "", text_unit::sms_bytes), "ab가");
    EXPECT_EQ(shorten("short", 80, "…", text_unit::sms_bytes), "short");
    EXPECT_EQ(sms_bytes("ab가"), 4u);
    EXPECT_EQ(utf8_length("ab가"), 3u);
}

TEST(service_formats_test, works_text_message_fits_2000_characters_with_the_link_kept) {
    const std::string link = "https://mon.example.net/#cluster/prod-logs";
    const std::string text = works_text(blind_with_error(10'000), korean, link);
    EXPECT_EQ(utf8_length(text), works_text_limit);
    EXPECT_TRUE(text.ends_with("\u2026 (일부 생략)\n" + link)) << text.substr(text.size() - 80);
}

TEST(service_formats_test, works_flex_has_a_short_alt_text_and_a_dashboard_button) {
    const auto doc = parse_body(format_works(blind_with_error(10'000), japanese,
                                             "https://mon.example.net/#cluster/prod-logs"));
    const auto& content = doc["content"];
    EXPECT_STREQ(content["type"].GetString(), "flex");
    EXPECT_EQ(utf8_length(content["altText"].GetString()), works_alt_text_limit);
    const auto& button = content["contents"]["footer"]["contents"][0];
    EXPECT_STREQ(button["action"]["label"].GetString(), "ダッシュボードで表示");
    EXPECT_STREQ(button["action"]["uri"].GetString(), "https://mon.example.net/#cluster/prod-logs");
}

TEST(service_formats_test, teams_card_shape) {
    const auto doc = parse_body(format_teams(test::stalled_event(), korean, ""));
    EXPECT_STREQ(doc["type"].GetString(), "message");
    const auto& attachment = doc["attachments"][0];
    EXPECT_STREQ(attachment["contentType"].GetString(), "application/vnd.microsoft.card.adaptive");
    EXPECT_TRUE(attachment["contentUrl"].IsNull());
    const auto& card = attachment["content"];
    EXPECT_STREQ(card["type"].GetString(), "AdaptiveCard");
    EXPECT_STREQ(card["version"].GetString(), "1.2");
    EXPECT_STREQ(card["body"][0]["text"].GetString(), "업그레이드 지연: prod-logs");
    EXPECT_STREQ(card["body"][0]["color"].GetString(), "Attention");
    EXPECT_FALSE(card.HasMember("actions"));  // no dashboard, no button
}

TEST(service_formats_test, teams_card_stays_under_28_kb_whatever_the_error) {
    for (std::size_t length : {1000u, 20'000u, 100'000u, 1'000'000u}) {
        const std::string body = format_teams(blind_with_error(length), english, "");
        EXPECT_LE(body.size(), teams_body_limit) << length;
        EXPECT_NE(body.find("xxxx"), std::string::npos);  // shortened, not dropped
    }
}

TEST(service_formats_test, mail_subject_text_and_html) {
    event e = test::stalled_event();
    e.cluster.name = "prod<&>";
    const mail_content mail = format_mail(e, english, "https://mon.example.net/#cluster/x");
    EXPECT_EQ(mail.subject, "[ses-upgrade-monitor] Upgrade stalled: prod<&>");
    EXPECT_NE(mail.text.find("Stuck for: 47m\n"), std::string::npos) << mail.text;
    EXPECT_NE(mail.text.find("Open in the dashboard: https://mon.example.net/#cluster/x"),
              std::string::npos);
    EXPECT_NE(mail.html.find("<h2>Upgrade stalled: prod&lt;&amp;&gt;</h2>"), std::string::npos);
    EXPECT_EQ(mail.html.find("prod<&>"), std::string::npos);
    const mail_content huge = format_mail(blind_with_error(2'000'000), english, "");
    EXPECT_LE(huge.html.size(), mail_body_limit);
}

TEST(service_formats_test, sms_fits_one_sms_or_becomes_an_lms) {
    event failed = test::simple_event("id", "prod", event_type::upgrade_failed);
    failed.summary = "prod: node n1 failed with status fail";
    failed.node = node_info{"n1", "DO", "fail", "Upgrade_OpenSearch", std::nullopt};
    const sms_content short_one = format_sms(failed, english, sms_type::automatic);
    EXPECT_EQ(short_one.type, "SMS");
    EXPECT_EQ(short_one.content, "[Upgrade failed] prod: node n1 failed with status fail");
    const sms_content lms = format_sms(test::stalled_event(), korean, sms_type::automatic);
    EXPECT_EQ(lms.type, "LMS");
    EXPECT_EQ(lms.subject, "업그레이드 지연: prod-logs");
    EXPECT_LE(sms_bytes(lms.content), lms_limit);
    const sms_content cut = format_sms(test::stalled_event(), korean, sms_type::sms);
    EXPECT_EQ(cut.type, "SMS");
    EXPECT_LE(sms_bytes(cut.content), sms_limit);
    EXPECT_TRUE(cut.content.ends_with("\u2026"));
}

TEST(service_formats_test, service_error_text_reads_each_services_shape) {
    EXPECT_EQ(service_error_text(R"({"code":"TOO_MANY_REQUESTS","description":"slow down"})"),
              "TOO_MANY_REQUESTS: slow down");
    EXPECT_EQ(service_error_text(R"({"error":"invalid_client","error_description":"bad"})"),
              "invalid_client: bad");
    EXPECT_EQ(service_error_text(R"({"status":400,"errorMessage":"no sender"})"), "no sender");
    EXPECT_EQ(
        service_error_text(R"({"error":{"errorCode":"200","message":"Authentication Failed"}})"),
        "200: Authentication Failed");
    EXPECT_EQ(service_error_text(R"({"error":{"code":"X","message":"line\nbreak"}})"),
              "X: line break");
    EXPECT_EQ(service_error_text("<html>"), "");
    EXPECT_LE(service_error_text(R"({"code":")" + std::string(1000, 'c') + "\"}").size(), 200u);
}

TEST(service_formats_test, works_assertion_claims) {
    naver_works_config config;
    config.client_id = "client-1";
    config.service_account = "sa@example";
    config.private_key = secret("not a key", "test");
    EXPECT_FALSE(works_assertion(config, test::sample_time()));
    config.client_secret = secret("a&b=c", "test");
    EXPECT_EQ(works_token_form(config, "h.c.s"),
              "assertion=h.c.s&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
              "&client_id=client-1&client_secret=a%26b%3Dc&scope=bot");
}

// ---- docs/notifiers.md shows what the code produces ----

std::string read_service_doc(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The fenced block after "<!-- example: NAME -->".
std::string service_doc_example(const std::string& docs, const std::string& name) {
    const auto marker = docs.find("<!-- example: " + name + " -->");
    if (marker == std::string::npos)
        return {};
    const auto begin = docs.find('\n', docs.find("```", marker)) + 1;
    const auto end = docs.find("\n```", begin);
    return docs.substr(begin, end - begin);
}

// Pretty JSON compares as a document; anything else as text.
bool same(const std::string& shown, const std::string& produced) {
    rapidjson::Document a, b;
    a.Parse(shown.c_str());
    b.Parse(produced.c_str());
    if (!a.HasParseError() && !b.HasParseError())
        return static_cast<const rapidjson::Value&>(a) == b;
    return shown == produced;
}

TEST(service_formats_test, docs_show_the_messages_the_code_produces) {
    const event e = test::stalled_event();
    const std::string link = "https://mon.example.net/#cluster/prod-logs";
    const mail_content mail = format_mail(e, japanese, link);
    const std::vector<std::pair<std::string, std::string>> examples = {
        {"works-text", format_works(e, korean, "")},
        {"works-flex", format_works(e, korean, link)},
        {"teams", format_teams(e, japanese, link)},
        {"mail-subject", mail.subject},
        {"mail-text", mail.text.substr(0, mail.text.size() - 1)},
        {"sms", format_sms(e, korean, sms_type::automatic).content},
    };
    const auto out = std::filesystem::path(SESMON_BIN_DIR) / ".." / "notify-examples";
    std::filesystem::create_directories(out);
    const std::string docs =
        read_service_doc(std::filesystem::path(SESMON_SOURCE_DIR) / "docs" / "notifiers.md");
    for (const auto& [name, body] : examples) {
        std::ofstream(out / (name + ".txt")) << body << "\n";
        const std::string shown = service_doc_example(docs, name);
        EXPECT_FALSE(shown.empty()) << "docs/notifiers.md lacks example " << name;
        EXPECT_TRUE(shown.empty() || same(shown, body))
            << "docs/notifiers.md example " << name << " differs from the code's:\n"
            << body;
    }
}

}  // namespace
}  // namespace sesmon::notify
