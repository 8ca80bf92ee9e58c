#pragma once
// history_test's fixture, shared by the history tests: the history tables as the writer
// leaves them, written through write_statements directly (the same code the writer thread
// runs), read back with SQL or the history reads.
#include "state/database.hpp"
#include "state/store_fixture.hpp"
#include "state/writes.hpp"

namespace sesmon::state::test {

class history_test : public store_fixture {
  protected:
    void SetUp() override {
        store_fixture::SetUp();
        fs::create_directories(dir_);
        db_ = open_for_writing(dir_, open_purpose::start, *log_);
        writes_ = std::make_unique<write_statements>(*db_);
    }
    void TearDown() override {
        writes_.reset();
        db_.reset();
        store_fixture::TearDown();
    }
    void commit(std::vector<sesmon::event> events, wall_time now = t0 + 1h) {
        pending_writes w;
        batch b;
        for (auto& e : events)
            b.events.push_back({std::move(e), {"hook"}});
        w.add(std::move(b));
        writes_->commit(w, now);
    }
    // Events and the cluster state they came with, as one commit (the daemon's batch).
    void commit_with_state(std::vector<sesmon::event> events, cluster_record c,
                           wall_time now = t0 + 1h) {
        pending_writes w;
        batch b;
        for (auto& e : events)
            b.events.push_back({std::move(e), {"hook"}});
        b.clusters.push_back(std::move(c));
        w.add(std::move(b));
        writes_->commit(w, now);
    }
    std::string query(const std::string& sql) {
        sqlite::statement s(*db_, sql);
        std::string out;
        while (s.step()) {
            if (!out.empty())
                out += "\n";
            out += s.column_text(0);
        }
        return out;
    }
    sesmon::event node(const std::string& host, const std::string& from, const std::string& to,
                       std::uint64_t n, wall_time since) {
        auto e = make_event(event_type::node_changed, host, to, n, since);
        e.node->previous_status = from;
        return e;
    }

    std::unique_ptr<sqlite::connection> db_;
    std::unique_ptr<write_statements> writes_;
};

}  // namespace sesmon::state::test
