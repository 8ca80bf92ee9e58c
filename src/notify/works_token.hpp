#pragma once
// works_token: the NAVER WORKS access token of one notifier (Bot API 2.0, service account).
//
// A JWT assertion (RS256 over {"alg":"RS256","typ":"JWT"}.{"iss": client id, "sub": service
// account, "iat": now, "exp": now + 30 min}) is exchanged at the token URL for an access
// token (form fields grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer, assertion,
// client_id, client_secret, scope=bot). The token is kept in memory only — never logged,
// never stored — and renewed before it expires: once less than a tenth of its lifetime
// (at least 30 s, at most 10 min) is left, measured on the injected clock's steady time.
// Concurrent attempts share one exchange. invalidate() drops a token the API refused.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify {

// The assertion for `config` at wall time `now` (pure but for the signature's randomness:
// RS256 is deterministic, so it is pure). nullopt when the private key does not sign.
std::optional<std::string> works_assertion(const sesmon::naver_works_config& config,
                                           sesmon::wall_time now);

// The form body of the exchange (application/x-www-form-urlencoded).
std::string works_token_form(const sesmon::naver_works_config& config,
                             const std::string& assertion);

class works_token {
  public:
    using sender = std::function<boost::asio::awaitable<sesmon::http_result>(sesmon::http_request)>;

    // `send` performs a request (the notifier's one place for requests); `clock` must
    // outlive this.
    works_token(const sesmon::naver_works_config& config, sender send, sesmon::clock& clock);
    ~works_token();

    struct result {
        std::optional<std::string> token;  // set on success
        sesmon::delivery_outcome failure;  // why not, otherwise (retry or rejected)
    };
    // A token valid for a while yet: the cached one, or a new one from the token URL.
    boost::asio::awaitable<result> get();
    // Forgets `token` if it is the cached one (the API answered 401 with it).
    void invalidate(const std::string& token);

  private:
    struct cached {
        std::string token;
        sesmon::steady_time renew_at;
    };
    boost::asio::awaitable<result> exchange();

    const sesmon::naver_works_config& config_;
    sender send_;
    sesmon::clock& clock_;
    std::optional<cached> cached_;
    // An exchange in flight: later callers wait for it (waiters are woken by cancel()).
    struct pending;
    std::shared_ptr<pending> pending_;
};

}  // namespace sesmon::notify
