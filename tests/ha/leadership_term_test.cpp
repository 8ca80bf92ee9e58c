// leadership_term (src/ha/leadership_term.hpp): the deadline, the lapse, the waiters and the
// end, on a manual clock (no etcd: the election that drives it is election_test's).
#include "ha/leadership_term.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

namespace sesmon::ha {
namespace {

using namespace std::chrono_literals;

class leadership_term_test : public ::testing::Test {
  protected:
    void run() {
        io_.restart();
        io_.poll();
    }
    // until_may_act() of `t`, spawned; its answer lands in `out`.
    void wait_for(leadership_term& t, std::optional<bool>& out) {
        boost::asio::co_spawn(io_, t.until_may_act(),
                              [&out](std::exception_ptr, bool open) { out = open; });
        run();
    }

    boost::asio::io_context io_;
    sesmon::manual_clock clock_{wall_time{}};
    const steady_time granted_ = clock_.steady_now();
    leadership_term term_{io_.get_executor(), clock_, term{7, 42}, 6s, granted_};
};

TEST_F(leadership_term_test, it_may_act_until_half_the_ttl_after_the_confirmed_send) {
    EXPECT_EQ(term_.deadline(), granted_ + 3s);
    EXPECT_TRUE(term_.may_act());
    clock_.advance(2999ms);
    EXPECT_TRUE(term_.may_act());
    clock_.advance(1ms);
    EXPECT_FALSE(term_.may_act());  // lapsed: no timer needed, the clock says so
    EXPECT_FALSE(term_.ended());
}

TEST_F(leadership_term_test, a_renewal_moves_the_deadline_forward_only) {
    clock_.advance(1s);
    EXPECT_FALSE(term_.renewed(granted_ + 1s));  // not lapsed
    EXPECT_EQ(term_.deadline(), granted_ + 4s);
    term_.renewed(granted_ + 500ms);  // an older answer arriving late
    EXPECT_EQ(term_.deadline(), granted_ + 4s);
}

TEST_F(leadership_term_test, every_confirmed_renewal_releases_the_waiters_of_a_lapsed_term) {
    clock_.advance(4s);  // lapsed (a pause between ttl/2 and ttl)
    std::optional<bool> first, second;
    wait_for(term_, first);
    wait_for(term_, second);
    EXPECT_FALSE(first);
    EXPECT_FALSE(second);
    EXPECT_TRUE(term_.renewed(clock_.steady_now()));  // it had lapsed
    run();
    EXPECT_EQ(first, true);
    EXPECT_EQ(second, true);
}

TEST_F(leadership_term_test, a_renewal_that_does_not_reopen_it_leaves_the_waiters_waiting) {
    clock_.advance(4s);
    std::optional<bool> waiter;
    wait_for(term_, waiter);
    term_.renewed(granted_ + 500ms);  // confirmed, but sent long ago: still past its deadline
    run();
    EXPECT_FALSE(waiter);
    term_.end();
    run();
    EXPECT_EQ(waiter, false);
}

TEST_F(leadership_term_test, the_end_releases_waiters_with_false_and_is_final) {
    clock_.advance(4s);
    std::optional<bool> waiter;
    wait_for(term_, waiter);
    bool ended = false;
    boost::asio::co_spawn(io_, term_.until_ended(), [&](std::exception_ptr) { ended = true; });
    run();
    EXPECT_FALSE(ended);
    term_.end();
    run();
    EXPECT_EQ(waiter, false);
    EXPECT_TRUE(ended);
    EXPECT_FALSE(term_.renewed(clock_.steady_now()));
    EXPECT_FALSE(term_.may_act());
    std::optional<bool> late;
    wait_for(term_, late);
    EXPECT_EQ(late, false);
}

}  // namespace
}  // namespace sesmon::ha
