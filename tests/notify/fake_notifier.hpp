#pragma once
// fake_notifier: a notifier whose answers a test scripts, and that records every attempt.
// Clusters in `hang` block their attempts until release() (or cancellation, which answers
// retry); `script[event id]` gives the outcomes of successive attempts (then delivered).
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "notify/dispatcher.hpp"
#include "sesmon/notifier.hpp"

namespace sesmon::notify::test {

struct fake_script {
    std::vector<std::string> attempts;   // "<notifier>:<event id>", in attempt order
    std::vector<std::string> delivered;  // likewise, delivered only
    std::map<std::string, std::deque<delivery_outcome>> script;
    std::set<std::string> hang;  // cluster names whose attempts block
    std::vector<std::shared_ptr<boost::asio::steady_timer>> hanging;
    bool released = false;
    std::function<void(const event&)> before_answer;  // runs in every attempt, if set

    // Lets every blocked attempt succeed, and later ones run freely.
    void release() {
        released = true;
        hang.clear();
        for (auto& timer : hanging) {
            timer->cancel();
        }
    }

    std::size_t attempts_of(const std::string& entry) const {
        return static_cast<std::size_t>(std::count(attempts.begin(), attempts.end(), entry));
    }
};

inline delivery_outcome outcome(delivery_outcome::kind kind, std::string detail,
                                std::optional<duration> retry_after = {}) {
    delivery_outcome o;
    o.result = kind;
    o.detail = std::move(detail);
    o.retry_after = retry_after;
    return o;
}

class fake_notifier final : public notifier {
  public:
    fake_notifier(std::string name, std::shared_ptr<fake_script> script)
        : name_(std::move(name)), script_(std::move(script)) {}
    std::string_view name() const override { return name_; }

    boost::asio::awaitable<delivery_outcome> deliver(const event& e,
                                                     const delivery_context&) override {
        auto script = script_;  // this notifier may be replaced while we wait
        const std::string entry = name_ + ":" + e.id;
        script->attempts.push_back(entry);
        if (script->before_answer) {
            script->before_answer(e);
        }
        if (script->hang.count(e.cluster.name) != 0) {
            auto timer = std::make_shared<boost::asio::steady_timer>(
                co_await boost::asio::this_coro::executor,
                boost::asio::steady_timer::time_point::max());
            script->hanging.push_back(timer);
            co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
            if (!script->released) {
                co_return outcome(delivery_outcome::kind::retry, "cancelled");
            }
        }
        auto& queue = script->script[e.id];
        if (!queue.empty()) {
            delivery_outcome next = queue.front();
            queue.pop_front();
            if (next.result == delivery_outcome::kind::delivered) {
                script->delivered.push_back(entry);
            }
            co_return next;
        }
        script->delivered.push_back(entry);
        co_return outcome(delivery_outcome::kind::delivered, "ok");
    }

  private:
    std::string name_;
    std::shared_ptr<fake_script> script_;
};

inline notifier_factory fake_factory(std::shared_ptr<fake_script> script) {
    return [script](const notifier_config& config) -> std::unique_ptr<notifier> {
        return std::make_unique<fake_notifier>(config.name, script);
    };
}

}  // namespace sesmon::notify::test
