// The Alertmanager client against a real Alertmanager (Debian's 0.25) on 127.0.0.1: create,
// read, update in place (same id: Alertmanager's own startsAt and matchers sent back),
// expire (twice, and an unknown id), and how failures are told apart — an Alertmanager
// that is down is retried, one that refuses a silence is a refusal.
#include "silence/alertmanager_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "common/time_format.hpp"
#include "net/https_client.hpp"
#include "support/alertmanager_server.hpp"
#include "support/run_awaitable.hpp"
#include "support/test_certs.hpp"

namespace sesmon::silence {
namespace {

using namespace std::chrono_literals;
using test::run_awaitable;

class alertmanager_client_test : public ::testing::Test {
  protected:
    alertmanager_client_test() : am_(dir_.path() / "am") {}

    static alertmanager_config config_for(const test::alertmanager_server& am) {
        alertmanager_config c;
        c.url = am.url();
        c.timeout = 3s;
        return c;
    }

    am_silence_post new_silence(std::string cluster, duration length) {
        am_silence_post p;
        p.matchers = {{"cluster", cluster, false, true}, {"instance", "(?:a|b)", true, true}};
        p.starts_at = common::format_rfc3339_utc(clock_.wall_now());
        p.ends_at = clock_.wall_now() + std::chrono::duration_cast<std::chrono::seconds>(length);
        p.created_by = "ses-upgrade-monitor/test";
        p.comment = "test [ses-upgrade-monitor upgrade=u silence=1]";
        return p;
    }

    sesmon::test::temp_dir dir_;
    test::alertmanager_server am_;
    boost::asio::io_context ioc_;
    net::https_client http_{ioc_.get_executor()};
    alertmanager_config config_ = config_for(am_);
    system_clock clock_;
    alertmanager_client client_{http_, config_, clock_};
};

TEST_F(alertmanager_client_test, creates_reads_updates_in_place_and_expires) {
    const auto created = run_awaitable(ioc_, client_.post(new_silence("prod-logs", 1h)));
    ASSERT_TRUE(created.ok()) << created.failure.detail;
    const std::string id = *created.value;

    const auto listed = run_awaitable(ioc_, client_.list());
    ASSERT_TRUE(listed.ok()) << listed.failure.detail;
    ASSERT_EQ(listed.value->size(), 1u);
    const am_silence& s = listed.value->front();
    EXPECT_EQ(s.id, id);
    EXPECT_EQ(s.state, "active");
    EXPECT_EQ(s.created_by, "ses-upgrade-monitor/test");
    ASSERT_EQ(s.matchers.size(), 2u);
    EXPECT_EQ(to_text(s.matchers[0]), R"(cluster="prod-logs")");
    EXPECT_EQ(to_text(s.matchers[1]), R"x(instance=~"(?:a|b)")x");

    // Update in place: Alertmanager's own startsAt and matchers back, a later end.
    auto got = run_awaitable(ioc_, client_.get(id));
    ASSERT_TRUE(got.ok() && *got.value);
    am_silence_post update;
    update.id = id;
    update.matchers = (*got.value)->matchers;
    update.starts_at = (*got.value)->starts_at;
    update.ends_at = clock_.wall_now() + 3h;
    update.created_by = "ses-upgrade-monitor/test";
    update.comment = "later";
    const auto updated = run_awaitable(ioc_, client_.post(update));
    ASSERT_TRUE(updated.ok()) << updated.failure.detail;
    EXPECT_EQ(*updated.value, id);
    got = run_awaitable(ioc_, client_.get(id));
    ASSERT_TRUE(got.ok() && *got.value);
    EXPECT_EQ((*got.value)->ends_at, update.ends_at);
    EXPECT_EQ((*got.value)->comment, "later");

    EXPECT_TRUE(run_awaitable(ioc_, client_.expire(id)).ok());
    got = run_awaitable(ioc_, client_.get(id));
    ASSERT_TRUE(got.ok() && *got.value);
    EXPECT_EQ((*got.value)->state, "expired");
    EXPECT_TRUE(run_awaitable(ioc_, client_.expire(id)).ok()) << "expiring twice is fine";
    const std::string unknown = "00000000-0000-4000-8000-000000000000";
    EXPECT_TRUE(run_awaitable(ioc_, client_.expire(unknown)).ok()) << "an unknown id is done";
    got = run_awaitable(ioc_, client_.get(unknown));
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(*got.value);
}

TEST_F(alertmanager_client_test, a_refused_silence_is_permanent_and_a_stopped_one_is_retried) {
    auto bad = new_silence("", 1h);  // every matcher may match "": Alertmanager refuses it
    bad.matchers = {{"cluster", "", false, true}};
    const auto refused = run_awaitable(ioc_, client_.post(bad));
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.failure.permanent) << refused.failure.detail;
    EXPECT_NE(refused.failure.detail.find("HTTP 400"), std::string::npos) << refused.failure.detail;

    am_.stop();
    const auto down = run_awaitable(ioc_, client_.list());
    ASSERT_FALSE(down.ok());
    EXPECT_FALSE(down.failure.permanent) << down.failure.detail;
}

TEST_F(alertmanager_client_test, a_frozen_alertmanager_times_out_within_the_timeout) {
    config_.timeout = 500ms;
    am_.pause();
    const auto began = std::chrono::steady_clock::now();
    const auto hung = run_awaitable(ioc_, client_.list());
    const auto took = std::chrono::steady_clock::now() - began;
    am_.resume();
    ASSERT_FALSE(hung.ok());
    EXPECT_FALSE(hung.failure.permanent);
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 3s);  // slack for a loaded machine; the timeout is 500 ms
}

TEST(alertmanager_formats_test, answers_that_are_not_ours_to_read_are_refused) {
    EXPECT_FALSE(decode_silences("{}"));
    EXPECT_FALSE(decode_silences("[{\"noid\": 1}]"));
    EXPECT_FALSE(decode_post_answer("{\"silenceID\": \"\"}"));
    EXPECT_EQ(decode_post_answer("{\"silenceID\": \"x\"}"), "x");
    const auto s = decode_silence(
        R"({"id":"i","status":{"state":"active"},"endsAt":"2026-12-07T18:52:50.734Z",)"
        R"("startsAt":"2026-12-07T17:52:50.734Z","matchers":[{"name":"a","value":"b","isRegex":false}]})");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->starts_at, "2026-12-07T17:52:50.734Z");
    EXPECT_EQ(s->ends_at, common::parse_rfc3339("2026-12-07T18:52:50Z"));
    ASSERT_EQ(s->matchers.size(), 1u);
    EXPECT_TRUE(s->matchers[0].is_equal);  // absent isEqual (Alertmanager < 0.22): equal
}

}  // namespace
}  // namespace sesmon::silence
