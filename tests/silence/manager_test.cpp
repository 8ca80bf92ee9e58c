// The silence manager against a real Alertmanager: a record's silence is created, extended
// in place (same id), expired; a silence made before a crash is found again by its marker
// and never made twice (a duplicate is expired); an Alertmanager that is down is retried
// and logged once per episode; one expired by hand before its end is left expired; one
// that ran out while nobody extended it is made anew.
#include "silence/manager.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <sstream>

#include "common/time_format.hpp"
#include "net/https_client.hpp"
#include "silence/alertmanager_client.hpp"
#include "support/alertmanager_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::silence {
namespace {

using namespace std::chrono_literals;

// The runtime's side, reduced: the record is durable as soon as it is set.
class fake_subject final : public subject {
  public:
    std::optional<silence_record> record;
    int results = 0;
    std::string name = "prod-logs";

    std::optional<silence_record> silence_to_act_on() const override {
        if (!record || record->synced())
            return std::nullopt;
        return record;
    }
    void silence_acted(const step_result& r) override {
        ++results;
        if (!record || record->upgrade_id != r.upgrade_id || record->generation != r.generation)
            return;
        record->silence_id = r.silence_id;
        record->applied = r.version;
        if (r.applied_ends_at != wall_time{})
            record->applied_ends_at = r.applied_ends_at;
        if (r.expired_outside) {
            record->active = false;
            record->final = true;
            record->applied = ++record->version;
        }
    }
    const std::string& silence_cluster() const override { return name; }
};

class manager_test : public ::testing::Test {
  protected:
    manager_test() : am_(dir_.path() / "am") {
        logger_ = std::make_shared<spdlog::logger>(
            "silence", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
        logger_->set_level(spdlog::level::debug);
        config_.url = am_.url();
        config_.timeout = 2s;
        config_.initial_backoff = 20ms;
        config_.max_backoff = 100ms;
        http_ = std::make_shared<net::https_client>(ioc_.get_executor());
        manager_ = std::make_unique<manager>(ioc_.get_executor(), http_, config_, clock_, logger_,
                                             [] { return 0.5; });
    }
    ~manager_test() override { manager_.reset(); }

    silence_record record(duration length) {
        silence_record r;
        r.upgrade_id = "u1";
        r.matchers = {{"cluster", "prod-logs", false, true}};
        r.starts_at = clock_.wall_now();
        r.ends_at = clock_.wall_now() + std::chrono::duration_cast<std::chrono::seconds>(length);
        r.created_by = "ses-upgrade-monitor/test";
        r.comment = "prod-logs upgrading " + marker(r);
        return r;
    }

    template <class Predicate>
    bool run_until(Predicate done, std::chrono::milliseconds limit = 10s) {
        ioc_.restart();
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline)
            ioc_.run_one_for(10ms);
        return done();
    }

    bool synced() { return subject_.record && subject_.record->synced(); }

    // The silences Alertmanager holds, by state.
    std::vector<am_silence> silences(const std::string& state = "") {
        const auto text = am_.silences_json();
        EXPECT_TRUE(text);
        std::vector<am_silence> out;
        for (auto& s : decode_silences(text.value_or("[]")).value_or(std::vector<am_silence>{})) {
            if (state.empty() || s.state == state)
                out.push_back(std::move(s));
        }
        return out;
    }

    void act(silence_record r) {
        subject_.record = std::move(r);
        manager_->wake("1037001");
        ASSERT_TRUE(run_until([&] { return synced(); })) << log_.str();
    }

    sesmon::test::temp_dir dir_;
    test::alertmanager_server am_;
    boost::asio::io_context ioc_;
    system_clock clock_;
    std::ostringstream log_;
    std::shared_ptr<spdlog::logger> logger_;
    alertmanager_config config_;
    std::shared_ptr<net::https_client> http_;
    std::unique_ptr<manager> manager_;
    fake_subject subject_;
};

TEST_F(manager_test, creates_extends_in_place_and_expires) {
    manager_->attach("1037001", subject_);
    act(record(1h));
    const std::string id = subject_.record->silence_id;
    ASSERT_FALSE(id.empty());
    auto active = silences("active");
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].id, id);
    EXPECT_EQ(active[0].ends_at, subject_.record->ends_at);
    EXPECT_EQ(to_text(active[0].matchers.at(0)), R"(cluster="prod-logs")");

    auto later = *subject_.record;
    later.ends_at += 2h;
    ++later.version;
    act(later);
    EXPECT_EQ(subject_.record->silence_id, id) << "updated in place";
    active = silences("active");
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].id, id);
    EXPECT_EQ(active[0].ends_at, later.ends_at);

    auto ended = *subject_.record;
    ended.active = false;
    ended.ended_by = "upgrade_finished";
    ++ended.version;
    act(ended);
    EXPECT_TRUE(silences("active").empty());
    EXPECT_EQ(silences("expired").size(), 1u);
    EXPECT_NE(log_.str().find("expired (upgrade_finished)"), std::string::npos) << log_.str();
}

TEST_F(manager_test, a_silence_made_before_a_crash_is_found_again_and_never_made_twice) {
    const silence_record r = record(1h);
    // Two made with this record's marker (a crash after each POST, before the id was kept).
    alertmanager_client direct(*http_, config_, clock_);
    for (int i = 0; i < 2; ++i) {
        am_silence_post p{"",        r.matchers,   common::format_rfc3339_utc(clock_.wall_now()),
                          r.ends_at, r.created_by, r.comment};
        bool done = false;
        boost::asio::co_spawn(ioc_, direct.post(p), [&](std::exception_ptr, auto) { done = true; });
        ASSERT_TRUE(run_until([&] { return done; }));
    }
    ASSERT_EQ(silences("active").size(), 2u);
    manager_->attach("1037001", subject_);
    act(r);
    const auto active = silences("active");
    ASSERT_EQ(active.size(), 1u) << log_.str();
    EXPECT_EQ(active[0].id, subject_.record->silence_id);
    EXPECT_NE(log_.str().find("found in Alertmanager"), std::string::npos) << log_.str();
    EXPECT_NE(log_.str().find("duplicated"), std::string::npos) << log_.str();

    // An ended record whose id was never kept: the marker finds what to expire.
    auto ended = r;
    ended.active = false;
    ended.version = 2;
    ended.silence_id.clear();
    act(ended);
    EXPECT_TRUE(silences("active").empty());
}

TEST_F(manager_test, an_alertmanager_that_is_down_is_retried_and_logged_once_per_episode) {
    manager_->attach("1037001", subject_);
    am_.stop();
    subject_.record = record(1h);
    manager_->wake("1037001");
    ASSERT_TRUE(run_until([&] { return manager_->failures() >= 4; })) << log_.str();
    EXPECT_FALSE(synced());
    am_.start();
    ASSERT_TRUE(run_until([&] { return synced(); })) << log_.str();
    EXPECT_EQ(silences("active").size(), 1u);
    const std::string text = log_.str();
    std::size_t warned = 0;
    for (auto at = text.find("retried until it answers"); at != std::string::npos;
         at = text.find("retried until it answers", at + 1))
        ++warned;
    EXPECT_EQ(warned, 1u) << text;
    EXPECT_NE(text.find("answering again after"), std::string::npos) << text;
}

TEST_F(manager_test, a_frozen_alertmanager_does_not_stop_another_cluster_of_the_same_manager) {
    // Every cluster has its own worker: a request hanging for one holds nobody else. The
    // manager's clusters share one Alertmanager, so freeze it and check the close is prompt.
    config_.timeout = 5s;
    manager_ = std::make_unique<manager>(ioc_.get_executor(), http_, config_, clock_, logger_,
                                         [] { return 0.5; });
    manager_->attach("1037001", subject_);
    am_.pause();
    subject_.record = record(1h);
    manager_->wake("1037001");
    run_until([] { return false; }, 200ms);
    const auto began = std::chrono::steady_clock::now();
    manager_->close();  // cancels the request in flight
    run_until([] { return false; }, 100ms);
    am_.resume();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
    EXPECT_EQ(subject_.results, 0);
}

TEST_F(manager_test, expired_by_hand_is_left_expired_but_run_out_is_made_anew) {
    manager_->attach("1037001", subject_);
    act(record(1h));
    const std::string id = subject_.record->silence_id;
    ASSERT_TRUE(test::plain_http(am_.port(), "DELETE", "/api/v2/silence/" + id));
    auto later = *subject_.record;
    later.ends_at += 1h;
    ++later.version;
    act(later);
    EXPECT_FALSE(subject_.record->active);
    EXPECT_TRUE(subject_.record->final);
    EXPECT_TRUE(silences("active").empty());
    EXPECT_NE(log_.str().find("expired in Alertmanager before its end"), std::string::npos);

    // One that simply ran out (its end passed while nobody extended it).
    subject_.record.reset();
    auto shortlived = record(2s);
    shortlived.upgrade_id = "u2";
    shortlived.comment = "short " + marker(shortlived);
    act(shortlived);
    const std::string first = subject_.record->silence_id;
    ASSERT_TRUE(run_until([&] { return silences("active").empty(); }, 6s));
    auto extended = *subject_.record;
    extended.ends_at = clock_.wall_now() + 1h;
    ++extended.version;
    act(extended);
    EXPECT_TRUE(subject_.record->active);
    EXPECT_NE(subject_.record->silence_id, first);
    EXPECT_EQ(silences("active").size(), 1u);
    EXPECT_NE(log_.str().find("ran out before it was extended"), std::string::npos) << log_.str();
}

}  // namespace
}  // namespace sesmon::silence
