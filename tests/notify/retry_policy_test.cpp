#include "notify/retry_policy.hpp"

#include <gtest/gtest.h>

#include "sample_event.hpp"

namespace sesmon::notify {
namespace {

using kind = delivery_outcome::kind;
using namespace std::chrono_literals;

TEST(retry_policy_test, status_table_names_the_outcome_of_notable_codes) {
    const std::vector<std::pair<int, kind>> table = {
        {200, kind::delivered}, {201, kind::delivered}, {202, kind::delivered},
        {204, kind::delivered}, {299, kind::delivered}, {301, kind::rejected},
        {302, kind::rejected},  {304, kind::rejected},  {307, kind::rejected},
        {308, kind::rejected},  {400, kind::rejected},  {401, kind::rejected},
        {403, kind::rejected},  {404, kind::rejected},  {405, kind::rejected},
        {408, kind::retry},     {409, kind::rejected},  {410, kind::rejected},
        {413, kind::rejected},  {422, kind::rejected},  {429, kind::retry},
        {499, kind::rejected},  {500, kind::retry},     {502, kind::retry},
        {503, kind::retry},     {504, kind::retry},     {599, kind::retry},
        {100, kind::retry},     {0, kind::retry},       {600, kind::retry},
    };
    for (const auto& [status, expected] : table) {
        EXPECT_EQ(classify_http_status(status), expected) << "HTTP " << status;
    }
}

TEST(retry_policy_test, every_status_from_0_to_999_follows_the_spec_rule) {
    for (int status = 0; status < 1000; ++status) {
        kind expected = kind::retry;  // 1xx, and nonsense outside 100..599
        if (status / 100 == 2) {
            expected = kind::delivered;
        } else if (status == 408 || status == 429 || status / 100 == 5) {
            expected = kind::retry;
        } else if (status / 100 == 3 || status / 100 == 4) {
            expected = kind::rejected;
        }
        EXPECT_EQ(classify_http_status(status), expected) << "HTTP " << status;
    }
}

TEST(retry_policy_test, transport_errors_retry_except_an_invalid_url) {
    const std::vector<std::pair<http_error_kind, kind>> table = {
        {http_error_kind::invalid_url, kind::rejected}, {http_error_kind::dns, kind::retry},
        {http_error_kind::connect, kind::retry},        {http_error_kind::tls, kind::retry},
        {http_error_kind::timeout, kind::retry},        {http_error_kind::reset, kind::retry},
        {http_error_kind::body_too_large, kind::retry}, {http_error_kind::protocol, kind::retry},
    };
    for (const auto& [error, expected] : table) {
        EXPECT_EQ(classify_http_error(error), expected) << to_string(error);
        const http_result result = http_error{error, "127.0.0.1:9 refused"};
        const auto outcome = classify_http_result(result, test::sample_time());
        EXPECT_EQ(outcome.result, expected);
        EXPECT_EQ(outcome.http_status, 0);
        EXPECT_NE(outcome.detail.find(to_string(error)), std::string::npos) << outcome.detail;
    }
}

TEST(retry_policy_test, a_429_result_carries_retry_after_seconds) {
    http_response response;
    response.status = 429;
    response.headers = {{"retry-after", "5"}};
    const auto outcome = classify_http_result(response, test::sample_time());
    EXPECT_EQ(outcome.result, kind::retry);
    EXPECT_EQ(outcome.http_status, 429);
    EXPECT_EQ(outcome.detail, "HTTP 429");
    ASSERT_TRUE(outcome.retry_after);
    EXPECT_EQ(*outcome.retry_after, 5s);
}

TEST(retry_policy_test, backoff_doubles_from_initial_to_max_with_full_jitter) {
    retry_config retry;
    retry.initial_backoff = 1s;
    retry.max_backoff = 10s;
    // random 0.999.. gives (almost) the ceiling: 1s, 2s, 4s, 8s, then capped at 10s.
    const double top = 0.999;
    EXPECT_EQ(backoff_delay(retry, 1, top, {}), duration(999));
    EXPECT_EQ(backoff_delay(retry, 2, top, {}), duration(1998));
    EXPECT_EQ(backoff_delay(retry, 3, top, {}), duration(3996));
    EXPECT_EQ(backoff_delay(retry, 4, top, {}), duration(7992));
    EXPECT_EQ(backoff_delay(retry, 5, top, {}), duration(9990));
    EXPECT_EQ(backoff_delay(retry, 60, top, {}), duration(9990));
    // Full jitter: anywhere from zero to the ceiling.
    EXPECT_EQ(backoff_delay(retry, 3, 0.0, {}), duration(0));
    EXPECT_EQ(backoff_delay(retry, 3, 0.5, {}), duration(2000));
}

TEST(retry_policy_test, backoff_never_undercuts_retry_after) {
    retry_config retry;
    retry.initial_backoff = 1s;
    retry.max_backoff = 10s;
    EXPECT_EQ(backoff_delay(retry, 1, 0.5, duration(5s)), duration(5s));
    EXPECT_EQ(backoff_delay(retry, 1, 0.5, duration(30min)), duration(30min));  // above max
    EXPECT_EQ(backoff_delay(retry, 5, 0.9, duration(1s)), duration(9000));      // jitter larger
}

TEST(retry_policy_test, events_older_than_max_age_are_expired) {
    retry_config retry;
    retry.max_age = 24h;
    const wall_time at = test::sample_time();
    EXPECT_FALSE(expired(retry, at, at));
    EXPECT_FALSE(expired(retry, at, at + 24h));
    EXPECT_TRUE(expired(retry, at, at + 24h + 1s));
}

}  // namespace
}  // namespace sesmon::notify
