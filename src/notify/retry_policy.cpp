#include "notify/retry_policy.hpp"

#include <string>

#include "common/backoff.hpp"
#include "common/http_date.hpp"

namespace sesmon::notify {

delivery_outcome::kind classify_http_status(int status) {
    using kind = delivery_outcome::kind;
    if (status >= 200 && status <= 299) {
        return kind::delivered;
    }
    if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
        return kind::retry;
    }
    if (status >= 300 && status <= 499) {
        return kind::rejected;
    }
    return kind::retry;
}

delivery_outcome::kind classify_http_error(http_error_kind kind) {
    switch (kind) {
        case http_error_kind::invalid_url:
            return delivery_outcome::kind::rejected;
        case http_error_kind::dns:
        case http_error_kind::connect:
        case http_error_kind::tls:
        case http_error_kind::timeout:
        case http_error_kind::reset:
        case http_error_kind::body_too_large:
        case http_error_kind::protocol:
            return delivery_outcome::kind::retry;
    }
    return delivery_outcome::kind::retry;
}

delivery_outcome classify_http_result(const http_result& result, wall_time now) {
    delivery_outcome outcome;
    if (!result) {
        const http_error& error = result.error();
        outcome.result = classify_http_error(error.kind);
        outcome.detail = std::string(to_string(error.kind)) + ": " + error.message;
        return outcome;
    }
    const http_response& response = *result;
    outcome.http_status = response.status;
    outcome.result = classify_http_status(response.status);
    outcome.detail = "HTTP " + std::to_string(response.status);
    if (outcome.result == delivery_outcome::kind::retry) {
        if (auto value = response.header("Retry-After")) {
            outcome.retry_after = common::parse_retry_after(*value, now);
        }
    }
    return outcome;
}

duration backoff_delay(const retry_config& retry, int failures, double random01,
                       std::optional<duration> retry_after) {
    const duration jittered =
        common::full_jitter(retry.initial_backoff, retry.max_backoff, failures, random01);
    if (retry_after && *retry_after > jittered) {
        return *retry_after;
    }
    return jittered;
}

bool expired(const retry_config& retry, wall_time occurred_at, wall_time now) {
    return now - occurred_at > retry.max_age;
}

}  // namespace sesmon::notify
