#include "state/legacy_import.hpp"

#include <fstream>

#include "notify/format_generic.hpp"
#include "state/database.hpp"
#include "state/reads.hpp"
#include "state/store_fixture.hpp"

namespace sesmon::state::test {
namespace {

// tests/state/fixtures/legacy-r1 is a state directory written by the per-file version
// (commit d55d353) running tests/state/fixtures/legacy-r1.yaml against the simulator's seed
// upgrade: the finished cluster's state, 19 deliveries pending for the unreachable
// notifier "down", and 2 dead letters of notifier "gone" (HTTP 404).
class legacy_import_test : public store_fixture {
  protected:
    void SetUp() override {
        store_fixture::SetUp();
        fs::copy(fs::path(SESMON_SOURCE_DIR) / "tests/state/fixtures/legacy-r1", dir_,
                 fs::copy_options::recursive);
    }
    sqlite_store_options with_hooks(std::vector<std::string> route_to = {}) const {
        auto o = options();
        o.legacy.parse_generic = [](std::string_view text) { return notify::parse_generic(text); };
        o.legacy.route = [route_to](const sesmon::event&) { return route_to; };
        return o;
    }
    std::vector<delivery_record> rows(delivery_status status) {
        auto db = open_for_reading(dir_);
        return read_deliveries(*db, status, std::nullopt, *log_);
    }
    fs::path legacy_dir() const {
        for (const auto& entry : fs::directory_iterator(dir_)) {
            if (entry.path().filename().string().starts_with("legacy-"))
                return entry.path();
        }
        return {};
    }
};

TEST_F(legacy_import_test, imports_states_pending_and_dead_deliveries_once) {
    auto initial = open(with_hooks()).take_initial();
    ASSERT_EQ(initial.clusters.size(), 1u);
    EXPECT_EQ(initial.clusters[0].instance_no, "1037001");
    EXPECT_EQ(initial.clusters[0].state.emitted.size(), 19u);
    ASSERT_TRUE(initial.clusters[0].state.upgrade);
    EXPECT_EQ(initial.clusters[0].state.upgrade->phase, monitor::upgrade_phase::finished);

    ASSERT_EQ(initial.pending.size(), 19u);
    for (const auto& p : initial.pending)
        EXPECT_EQ(p.notifier, "down");
    EXPECT_EQ(initial.pending.front().event.type, event_type::upgrade_started);  // old order
    EXPECT_EQ(initial.pending.back().event.type, event_type::upgrade_finished);
    close();

    const auto dead = rows(delivery_status::dead);
    ASSERT_EQ(dead.size(), 2u);
    EXPECT_EQ(dead[0].notifier, "gone");
    EXPECT_EQ(dead[0].last_error, "HTTP 404");

    const fs::path moved = legacy_dir();
    ASSERT_FALSE(moved.empty());
    EXPECT_TRUE(fs::exists(moved / "clusters/1037001.json"));
    EXPECT_TRUE(fs::exists(moved / "dead-letter/gone.jsonl"));
    EXPECT_FALSE(fs::exists(dir_ / "clusters"));
    EXPECT_FALSE(fs::exists(dir_ / "outbox"));
    EXPECT_NE(log_text().find("imported the per-file state"), std::string::npos) << log_text();

    // A second start imports nothing and finds the same.
    auto again = open(with_hooks()).take_initial();
    EXPECT_EQ(again.pending.size(), 19u);
    EXPECT_EQ(again.clusters.size(), 1u);
}

TEST_F(legacy_import_test, a_crash_cut_handoff_goes_to_the_notifiers_that_lack_it) {
    // The old daemon crashed after saving the state but before every outbox had the event:
    // the handoff file holds it. Also an event the state does not know (crash before the
    // save), which the tracker will emit again by itself.
    fs::path last;
    for (const auto& entry : fs::directory_iterator(dir_ / "outbox/down"))
        last = std::max(last, entry.path());
    std::ifstream in(last);
    const std::string known((std::istreambuf_iterator<char>(in)), {});
    auto unknown_event = *notify::parse_generic(known);
    unknown_event.id = std::string(64, 'f');
    fs::create_directories(dir_ / "handoff");
    std::ofstream(dir_ / "handoff/1037001.json")
        << "[" << known << "," << notify::format_generic(unknown_event) << "]";

    auto initial = open(with_hooks({"down", "journal"})).take_initial();
    std::size_t down = 0, journal = 0;
    for (const auto& p : initial.pending) {
        EXPECT_NE(p.event.id, unknown_event.id);
        down += p.notifier == "down";
        journal += p.notifier == "journal";
    }
    EXPECT_EQ(down, 19u);  // it was there already: not twice
    EXPECT_EQ(journal, 1u);
}

TEST_F(legacy_import_test, unreadable_files_are_reported_and_left_behind) {
    std::ofstream(dir_ / "outbox/down/00000000000000000999-ffff.json") << "{not json";
    auto initial = open(with_hooks()).take_initial();
    EXPECT_EQ(initial.pending.size(), 19u);
    EXPECT_NE(log_text().find("not imported"), std::string::npos) << log_text();
    EXPECT_TRUE(fs::exists(legacy_dir() / "outbox/down/00000000000000000999-ffff.json"));
}

}  // namespace
}  // namespace sesmon::state::test
