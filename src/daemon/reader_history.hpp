#pragma once
// reader_history: the daemon's web::history_source — the HTTP API's history reads run on
// state::history_reader's thread (never on the event loop); the expected finish of
// upgrades in progress comes from the live trackers. Single-threaded like the rest of the daemon:
// every call and callback on the event loop.
#include <functional>
#include <optional>
#include <string>

#include "sesmon/clock.hpp"
#include "state/history_reader.hpp"
#include "web/history_api.hpp"

namespace sesmon::daemon {

class reader_history final : public web::history_source {
  public:
    using eta_of = std::function<std::optional<wall_time>(const state::upgrade_summary&)>;

    reader_history(state::history_reader& reader, const sesmon::clock& clock, eta_of eta)
        : reader_(reader), clock_(clock), eta_(std::move(eta)) {}

    void upgrades(std::optional<std::string> cluster, int limit,
                  callback<std::vector<state::upgrade_summary>> done) override;
    void timeline(std::string id, callback<std::optional<state::upgrade_timeline>> done) override;
    std::optional<wall_time> expected_finish(const state::upgrade_summary& upgrade) const override {
        return eta_(upgrade);
    }
    wall_time now() const override { return clock_.wall_now(); }

  private:
    state::history_reader& reader_;
    const sesmon::clock& clock_;
    eta_of eta_;
};

}  // namespace sesmon::daemon
