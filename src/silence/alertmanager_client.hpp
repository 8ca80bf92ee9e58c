#pragma once
// alertmanager_client: the four calls of Alertmanager's v2 API that silences need —
// GET /api/v2/silences, GET /api/v2/silence/{id}, POST /api/v2/silences (create, or update
// in place when the body names an id), DELETE /api/v2/silence/{id} — over the project's
// http_client, with the configured bearer token and timeout. Answers are values: a
// transport failure, 408, 429 and 5xx are `retry`; other 4xx `rejected` (retried slowly by
// the manager: a fixed token or matcher is picked up without a restart).
//
// Single-threaded like its http_client; the client and config must outlive it.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/clock.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/quiet.hpp"
#include "silence/matcher_template.hpp"

namespace sesmon::silence {

// A silence as Alertmanager shows it (the parts used here).
struct am_silence {
    std::string id;
    std::string state;  // active | pending | expired
    std::string created_by;
    std::string comment;
    std::string starts_at;  // verbatim: an update in place must send it back unchanged
    std::optional<wall_time> ends_at;
    std::vector<expanded_matcher> matchers;
};

// What to POST: a new silence (id empty) or the update of one.
struct am_silence_post {
    std::string id;
    std::vector<expanded_matcher> matchers;
    std::string starts_at;  // RFC 3339
    wall_time ends_at{};
    std::string created_by;
    std::string comment;
};

struct am_failure {
    bool permanent = false;  // a 4xx other than 408/429, or an unusable URL
    std::string detail;      // one line: "HTTP 503", "connect: refused ..."
    std::optional<duration> retry_after;
};

template <class T>
struct am_result {
    std::optional<T> value;  // set on success
    am_failure failure;      // otherwise
    bool ok() const { return value.has_value(); }
};

class alertmanager_client {
  public:
    alertmanager_client(http_client& client, const alertmanager_config& config,
                        const sesmon::clock& clock);

    boost::asio::awaitable<am_result<std::vector<am_silence>>> list();
    // nullopt inside: no silence of that id (404).
    boost::asio::awaitable<am_result<std::optional<am_silence>>> get(std::string id);
    // The silence's id (the same one for an update in place; a new one when Alertmanager
    // replaced it).
    boost::asio::awaitable<am_result<std::string>> post(am_silence_post silence);
    // Expires it; an unknown id (404, or 0.25's 500 "silence not found") counts as done.
    boost::asio::awaitable<am_result<bool>> expire(std::string id);

    // The origin of the URL, for logs ("http://127.0.0.1:9093").
    const std::string& origin() const { return origin_; }

  private:
    http_request request(std::string method, std::string path, std::string body = {}) const;

    http_client& client_;
    const alertmanager_config& config_;
    const sesmon::clock& clock_;
    std::string base_;
    std::string origin_;
};

// Body and answer formats, apart for tests.
std::string encode_post(const am_silence_post& s);
std::optional<std::vector<am_silence>> decode_silences(std::string_view json);
std::optional<am_silence> decode_silence(std::string_view json);
std::optional<std::string> decode_post_answer(std::string_view json);

}  // namespace sesmon::silence
