#pragma once
// secret: a credential (API key, webhook URL, signing secret, bearer token) that must never be
// printed, logged or serialized by accident. It has no stream operator and no implicit
// conversion; the value is reachable only through reveal(), which is easy to grep for.
// origin() says where it came from ("file /etc/x", "env NCLOUD_ACCESS_KEY",
// "credential ncloud-access-key") and is safe to show.
#include <string>
#include <utility>

namespace sesmon {

class secret {
  public:
    secret() = default;
    secret(std::string value, std::string origin)
        : value_(std::move(value)), origin_(std::move(origin)) {}

    const std::string& reveal() const { return value_; }
    const std::string& origin() const { return origin_; }
    bool empty() const { return value_.empty(); }

    // Equality compares values, so reload can tell whether a credential changed.
    friend bool operator==(const secret&, const secret&) = default;

  private:
    std::string value_;
    std::string origin_;
};

}  // namespace sesmon
