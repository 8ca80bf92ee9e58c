// The smtp notifier against a real SMTP relay on loopback: tests/support/smtp_sink.py
// (Debian's python3-aiosmtpd, installed by scripts/bootstrap).
#include "notify/smtp_notifier.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/crypto.hpp"
#include "notify/mime_message.hpp"
#include "sample_event.hpp"
#include "support/run_awaitable.hpp"
#include "support/test_certs.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;
using kind = delivery_outcome::kind;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// smtp_sink.py on 127.0.0.1:<free port>, stopped (SIGTERM) on destruction.
class smtp_sink {
  public:
    smtp_sink(const fs::path& dir, const std::string& options) : out_(dir / "mail") {
        fs::create_directories(out_);
        const std::string script = std::string(SESMON_SOURCE_DIR) + "/tests/support/smtp_sink.py";
        const auto started = sesmon::test::run_shell(
            "/usr/bin/python3 " + sesmon::test::shell_quote(script) + " --out " +
            sesmon::test::shell_quote(out_.string()) + " " + options + " > " +
            sesmon::test::shell_quote((dir / "sink.out").string()) + " 2> " +
            sesmon::test::shell_quote((dir / "sink.err").string()) + " & echo $!");
        pid_ = std::stoi(started.output);
        const auto deadline = std::chrono::steady_clock::now() + 15s;
        while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
            const std::string line = read_file(dir / "sink.out");
            if (line.rfind("listening on ", 0) == 0)
                port_ = std::stoi(line.substr(13));
            else
                std::this_thread::sleep_for(20ms);
        }
        if (port_ == 0)
            throw std::runtime_error("smtp_sink.py did not start: " + read_file(dir / "sink.err"));
    }
    ~smtp_sink() { ::kill(pid_, SIGTERM); }
    int port() const { return port_; }
    // The accepted messages, oldest first.
    std::vector<rapidjson::Document> messages() const {
        std::vector<rapidjson::Document> out;
        for (int n = 1; fs::exists(out_ / (std::to_string(n) + ".json")); ++n) {
            out.emplace_back();
            out.back().Parse(read_file(out_ / (std::to_string(n) + ".json")).c_str());
        }
        return out;
    }

  private:
    fs::path out_;
    int pid_ = 0;
    int port_ = 0;
};

// The decoded text of the MIME part of `type` in `message`.
std::string part(const std::string& message, const std::string& type) {
    const auto at = message.find("Content-Type: " + type);
    const auto begin = message.find("\r\n\r\n", at) + 4;
    const auto end = message.find("\r\n--", begin);
    std::string base64;
    for (char c : message.substr(begin, end - begin))
        if (c != '\r' && c != '\n')
            base64 += c;
    return common::base64_decode(base64).value_or("(not base64)");
}

class smtp_notifier_test : public ::testing::Test {
  protected:
    smtp_notifier_test() : clock_(test::sample_time()) {}

    notifier_config config(int port, smtp_security security) {
        notifier_config c;
        c.name = "mail";
        c.type = notifier_type::smtp;
        c.timeout = 10s;
        c.smtp.host = "127.0.0.1";
        c.smtp.port = port;
        c.smtp.security = security;
        c.smtp.from = "monitor@example.com";
        c.recipients = {"oncall@example.com", "lead@example.com"};
        c.time_zone = {"Asia/Tokyo", 9h, "JST"};
        return c;
    }

    notifier_config tls_config(int port, smtp_security security) {
        notifier_config c = config(port, security);
        c.ca_file = cert_.cert_file.string();
        c.smtp.username = "monitor";
        c.smtp.password = secret("s3cret-pass", "test");
        return c;
    }

    std::string tls_options(const std::string& mode) {
        return mode + " --cert " + cert_.cert_file.string() + " --key " + cert_.key_file.string() +
               " --auth monitor:s3cret-pass";
    }

    delivery_outcome deliver(smtp_notifier& n, const event& e,
                             const delivery_context& context = delivery_context{}) {
        return sesmon::test::run_awaitable(ioc_, n.deliver(e, context), 30s);
    }

    sesmon::test::temp_dir dir_;
    sesmon::test::test_certificate cert_ = sesmon::test::make_self_signed_certificate(
        dir_.path(), "relay", {"IP:127.0.0.1", "DNS:localhost"});
    boost::asio::io_context ioc_;
    manual_clock clock_;
};

TEST_F(smtp_notifier_test, delivers_a_multipart_mail_in_the_notifiers_language) {
    smtp_sink sink(dir_.path(), "");
    notifier_config c = config(sink.port(), smtp_security::none);
    c.language = message_language::ja;
    c.dashboard_url = "https://mon.example.net/";
    smtp_notifier n(c, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    const auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_STREQ(messages[0]["mail_from"].GetString(), "monitor@example.com");
    EXPECT_EQ(messages[0]["rcpt_tos"].Size(), 2u);
    const std::string data = messages[0]["data"].GetString();
    EXPECT_NE(data.find("Message-ID: <" + test::stalled_event().id + "@ses-upgrade-monitor>"),
              std::string::npos);
    EXPECT_NE(data.find("Date: Thu, 26 Nov 2026 20:01:02 +0000"), std::string::npos);
    EXPECT_NE(data.find("Subject: =?UTF-8?B?"), std::string::npos);
    const std::string text = part(data, "text/plain");
    EXPECT_NE(text.find("ステータス: Upgrade_OpenSearch（前のステータス: running）"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("発生時刻: 2026年11月27日 05:01:02 JST"), std::string::npos);
    EXPECT_NE(text.find("https://mon.example.net/#cluster/prod-logs"), std::string::npos);
    const std::string html = part(data, "text/html");
    EXPECT_NE(html.find("<h2>アップグレード停滞: prod-logs</h2>"), std::string::npos) << html;
}

TEST_F(smtp_notifier_test, starttls_with_authentication) {
    smtp_sink sink(dir_.path(), tls_options("--starttls"));
    smtp_notifier n(tls_config(sink.port(), smtp_security::starttls), clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    const auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_TRUE(messages[0]["tls"].GetBool());
    EXPECT_TRUE(messages[0]["authenticated"].GetBool());
}

TEST_F(smtp_notifier_test, implicit_tls_with_authentication) {
    smtp_sink sink(dir_.path(), tls_options("--tls"));
    smtp_notifier n(tls_config(sink.port(), smtp_security::tls), clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    ASSERT_EQ(sink.messages().size(), 1u);
}

TEST_F(smtp_notifier_test, a_relay_that_is_not_trusted_is_retried) {
    smtp_sink sink(dir_.path(), tls_options("--starttls"));
    notifier_config c = tls_config(sink.port(), smtp_security::starttls);
    c.ca_file.clear();  // the relay's certificate is self-signed: not in the system store
    smtp_notifier n(c, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::retry) << out.detail;
    EXPECT_TRUE(sink.messages().empty());
}

TEST_F(smtp_notifier_test, a_wrong_password_is_dead_with_the_relays_reply) {
    smtp_sink sink(dir_.path(), tls_options("--starttls"));
    notifier_config c = tls_config(sink.port(), smtp_security::starttls);
    c.smtp.password = secret("wrong-pass", "test");
    smtp_notifier n(c, clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::rejected) << out.detail;
    EXPECT_NE(out.detail.find("SMTP 535"), std::string::npos) << out.detail;
    EXPECT_EQ(out.detail.find("wrong-pass"), std::string::npos);
}

TEST_F(smtp_notifier_test, a_relay_without_starttls_is_dead_when_starttls_is_required) {
    smtp_sink sink(dir_.path(), "");
    smtp_notifier n(config(sink.port(), smtp_security::starttls), clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::rejected) << out.detail;
    EXPECT_TRUE(sink.messages().empty());
}

TEST_F(smtp_notifier_test, a_4xx_reply_is_retried_and_a_5xx_reply_is_dead) {
    {
        smtp_sink sink(dir_.path() / "a", "--data-reply '451 4.3.0 try later'");
        smtp_notifier n(config(sink.port(), smtp_security::none), clock_);
        const delivery_outcome out = deliver(n, test::stalled_event());
        EXPECT_EQ(out.result, kind::retry) << out.detail;
        EXPECT_NE(out.detail.find("SMTP 451"), std::string::npos) << out.detail;
    }
    smtp_sink sink(dir_.path() / "b", "--rcpt-reply '550 5.1.1 no such user'");
    smtp_notifier n(config(sink.port(), smtp_security::none), clock_);
    const delivery_outcome out = deliver(n, test::stalled_event());
    EXPECT_EQ(out.result, kind::rejected) << out.detail;
    EXPECT_NE(out.detail.find("SMTP 550"), std::string::npos) << out.detail;
}

TEST_F(smtp_notifier_test, a_slow_relay_never_blocks_the_event_loop) {
    smtp_sink sink(dir_.path(), "--data-delay 1.5");
    smtp_notifier n(config(sink.port(), smtp_security::none), clock_);
    // A 10 ms ticker on the same io_context: it must keep ticking during the transfer.
    boost::asio::steady_timer ticker(ioc_);
    int ticks = 0;
    std::function<void()> tick = [&] {
        ticker.expires_after(10ms);
        ticker.async_wait([&](boost::system::error_code ec) {
            if (!ec) {
                ++ticks;
                tick();
            }
        });
    };
    tick();
    const auto began = std::chrono::steady_clock::now();
    const delivery_outcome out = deliver(n, test::stalled_event());
    const auto took = std::chrono::steady_clock::now() - began;
    ticker.cancel();
    EXPECT_EQ(out.result, kind::delivered) << out.detail;
    EXPECT_GE(took, 1400ms);
    // ≥ 1.4 s of 10 ms ticks: a blocked loop would have run none of them. Under heavy load a
    // tick may come late, so the bound is a fifth of what an idle machine gives.
    EXPECT_GE(ticks, 28) << "the loop was blocked during the transfer";
}

TEST_F(smtp_notifier_test, a_relay_that_never_answers_is_retried_after_the_timeout) {
    smtp_sink sink(dir_.path(), "--data-delay 60");
    notifier_config c = config(sink.port(), smtp_security::none);
    c.timeout = 1s;
    smtp_notifier n(c, clock_);
    const auto began = std::chrono::steady_clock::now();
    const delivery_outcome out = deliver(n, test::stalled_event());
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_EQ(out.result, kind::retry) << out.detail;
    EXPECT_GE(took, 900ms);
    EXPECT_LT(took, 10s);  // 1 s timeout; slack for a loaded machine
}

TEST_F(smtp_notifier_test, a_transfer_is_cut_at_the_attempts_deadline_before_its_timeout) {
    smtp_sink sink(dir_.path(), "--data-delay 60");
    notifier_config c = config(sink.port(), smtp_security::none);
    c.timeout = 20s;
    smtp_notifier n(c, clock_);
    delivery_context context;
    const auto began = std::chrono::steady_clock::now();
    context.deadline = began + 1s;
    const delivery_outcome out = deliver(n, test::stalled_event(), context);
    const auto took = std::chrono::steady_clock::now() - began;
    EXPECT_EQ(out.result, kind::retry) << out.detail;
    EXPECT_GE(took, 900ms);
    // The wait for the relay's final reply is bounded in whole seconds (libcurl), so the cut
    // comes within a second after the deadline; 20 s is the notifier's own timeout.
    EXPECT_LT(took, 8s);
}

TEST_F(smtp_notifier_test, no_transfer_starts_past_the_attempts_deadline) {
    smtp_sink sink(dir_.path(), "");
    smtp_notifier n(config(sink.port(), smtp_security::none), clock_);
    delivery_context context;
    context.deadline = std::chrono::steady_clock::now() - 1ms;
    const delivery_outcome out = deliver(n, test::stalled_event(), context);
    EXPECT_EQ(out.result, kind::retry);
    EXPECT_EQ(out.detail.rfind("not sent:", 0), 0u) << out.detail;
    EXPECT_TRUE(sink.messages().empty());
}

TEST(mime_message_test, long_utf8_subjects_fold_into_encoded_words_on_character_boundaries) {
    const std::string subject =
        "[ses-upgrade-monitor] 업그레이드 지연: 아주-긴-클러스터-이름-입니다-정말로-깁니다";
    const std::string encoded = encoded_header_value(subject);
    std::string decoded;
    std::size_t start = 0;
    while ((start = encoded.find("=?UTF-8?B?", start)) != std::string::npos) {
        const auto end = encoded.find("?=", start);
        EXPECT_LE(end + 2 - start, 75u);
        const auto bytes = common::base64_decode(encoded.substr(start + 10, end - start - 10));
        ASSERT_TRUE(bytes);
        // Each word is whole characters: its first byte starts one.
        EXPECT_NE(static_cast<unsigned char>((*bytes)[0]) & 0xC0, 0x80);
        decoded += *bytes;
        start = end;
    }
    EXPECT_EQ(decoded, subject);
    EXPECT_EQ(encoded_header_value("plain ascii"), "plain ascii");
}

}  // namespace
}  // namespace sesmon::notify
