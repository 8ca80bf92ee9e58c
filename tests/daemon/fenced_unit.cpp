// fenced (src/daemon/fenced.*): a member's deliveries bounded by its leadership term (issue 21,
// SPEC §12 invariant 3), on a real etcd, with a real webhook notifier and HTTP client, to a
// receiver that takes the request and never answers (a slow receiver). Lease TTL 4 s: the
// term's deadline is at most 2 s ahead when a send starts.
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <sstream>

#include "daemon/fenced.hpp"
#include "ha/election.hpp"
#include "net/https_client.hpp"
#include "notify/sample_event.hpp"
#include "notify/webhook_notifier.hpp"
#include "support/etcd_server.hpp"
#include "support/run_awaitable.hpp"
#include "support/scripted_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::daemon {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using kind = delivery_outcome::kind;
using sesmon::test::scripted_reply;

constexpr auto ttl = 4s;
// A loaded 2-core CI machine: how late a cut may come after the deadline.
constexpr auto late = 400ms;

class fenced_test : public ::testing::Test {
  protected:
    fenced_test()
        : log_(std::make_shared<spdlog::logger>(
              "ha", std::make_shared<spdlog::sinks::ostream_sink_st>(log_text_))),
          client_(io_.get_executor(), {{etcd_.endpoint()}, {}, "", {}}),
          election_(io_.get_executor(), client_, clock_, {"/g/leader", "a", ttl}, log_),
          http_(io_.get_executor()) {
        receiver_.set_handler([this](const sesmon::test::recorded_request&) {
            scripted_reply r;
            r.action = answer_ ? scripted_reply::kind::respond : scripted_reply::kind::hang;
            return r;
        });
        election_.start(
            {[](const ha::term&) {}, [this](const std::string& why) { deposed_ = why; }, [] {}});
        EXPECT_TRUE(run_until([&] { return election_.may_act(); })) << log_text_.str();
    }
    ~fenced_test() override {
        etcd_.thaw();
        election_.stop();
        run_for(50ms);
    }

    std::unique_ptr<notifier> webhook() {
        notifier_config c;
        c.name = "ops";
        c.type = notifier_type::webhook;
        c.url = secret(receiver_.base_url() + "/hooks/ops", "test");
        c.timeout = 10s;
        return std::make_unique<notify::webhook_notifier>(c, http_, clock_);
    }
    bool run_until(const std::function<bool()>& done, duration limit = 10s) {
        const auto deadline = steady::now() + limit;
        while (!done()) {
            if (steady::now() > deadline)
                return false;
            io_.restart();
            io_.run_for(5ms);
        }
        return true;
    }
    void run_for(duration d) {
        io_.restart();
        io_.run_for(d);
    }

    sesmon::test::temp_dir dir_;
    sesmon::test::etcd_server etcd_{dir_.path() / "etcd"};
    boost::asio::io_context io_;
    sesmon::system_clock clock_;
    std::ostringstream log_text_;
    std::shared_ptr<spdlog::logger> log_;
    ha::etcd_client client_;
    ha::election election_;
    sesmon::test::scripted_server receiver_;
    net::https_client http_;
    bool answer_ = false;  // the receiver answers 200 (else: it never answers)
    std::string deposed_;
    const event event_ = notify::test::stalled_event();
    const delivery_context unbounded_;  // what the delivery lane passes
};

// Issue 21: the gate was checked once before the send, which then ran under the notifier's
// own timeout (10 s) — past the term's end, when the standby may already lead.
TEST_F(fenced_test, a_send_still_running_when_the_term_lapses_is_cut_at_the_terms_deadline) {
    fenced_notifier fenced(webhook(), election_);
    etcd_.freeze();  // no renewal is confirmed from now on: the term lapses at its deadline
    const auto began = steady::now();
    const auto deadline = election_.leadership()->deadline();
    const auto outcome = sesmon::test::run_awaitable(io_, fenced.deliver(event_, unbounded_), 15s);
    const auto ended = steady::now();
    const auto took = ended - began;
    EXPECT_EQ(outcome.result, kind::retry) << outcome.detail;
    EXPECT_EQ(receiver_.requests().size(), 1u);  // it had started under a live term
    EXPECT_LE(deadline - began, ttl / 2);
    EXPECT_GE(ended, deadline - 5ms) << outcome.detail;  // ms rounding of the cut timeout
    EXPECT_LE(ended, deadline + late) << outcome.detail << "\n" << log_text_.str();
    std::cout << "the send ended " << took / 1ms << " ms after it began, "
              << std::chrono::duration_cast<std::chrono::milliseconds>(ended - deadline).count()
              << " ms after the term's deadline (" << outcome.detail << ")\n";
}

// A delivery that reaches the gate once the term has lapsed does not start; the renewal that
// etcd confirms when it answers again releases it.
TEST_F(fenced_test, a_send_after_the_deadline_waits_for_the_next_confirmed_renewal) {
    answer_ = true;
    fenced_notifier fenced(webhook(), election_);
    etcd_.freeze();
    ASSERT_TRUE(run_until([&] { return !election_.may_act(); }, ttl)) << log_text_.str();
    std::optional<delivery_outcome> outcome;
    boost::asio::co_spawn(io_, fenced.deliver(event_, unbounded_),
                          [&](std::exception_ptr, delivery_outcome o) { outcome = std::move(o); });
    run_for(300ms);
    EXPECT_FALSE(outcome);
    EXPECT_TRUE(receiver_.requests().empty());
    etcd_.thaw();
    ASSERT_TRUE(run_until([&] { return outcome.has_value(); }, 3s)) << log_text_.str();
    EXPECT_EQ(outcome->result, kind::delivered) << outcome->detail;
    EXPECT_EQ(receiver_.requests().size(), 1u);
    EXPECT_TRUE(deposed_.empty()) << deposed_;
}

// A term that ends while a send runs (a depose: here a fenced write refused) cancels the send
// then, not at its deadline.
TEST_F(fenced_test, a_send_still_running_when_the_term_ends_is_cancelled_at_once) {
    fenced_notifier fenced(webhook(), election_);
    std::optional<delivery_outcome> outcome;
    boost::asio::co_spawn(io_, fenced.deliver(event_, unbounded_),
                          [&](std::exception_ptr, delivery_outcome o) { outcome = std::move(o); });
    ASSERT_TRUE(run_until([&] { return receiver_.requests().size() == 1; }, 3s));
    election_.fenced_out(*election_.current_term());
    const auto ended = steady::now();
    ASSERT_TRUE(run_until([&] { return outcome.has_value(); }, 3s)) << log_text_.str();
    EXPECT_LE(steady::now() - ended, 200ms);
    EXPECT_EQ(outcome->result, kind::retry);
    EXPECT_FALSE(deposed_.empty());
}

}  // namespace
}  // namespace sesmon::daemon
