#pragma once
// The fixture of the commands that read state.db (`deliveries`, `history`): a configuration
// whose state directory is the test's own, a real sqlite_store (the daemon's writer) to
// fill state.db with, and the built binary run without API keys.
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <memory>
#include <optional>

#include "state/sqlite_store.hpp"
#include "support/test_certs.hpp"

namespace sesmon::cli::test {

class command_fixture : public ::testing::Test {
  protected:
    // `command`: the subcommand; `extra_yaml`: top-level keys appended to the configuration.
    explicit command_fixture(std::string command, const std::string& extra_yaml = "")
        : command_(std::move(command)) {
        std::ofstream(config_path()) << "api:\n  endpoint: http://127.0.0.1:9\n"
                                     << "clusters:\n  - name: prod-logs\n"
                                     << "    instance_no: \"1037001\"\n"
                                     << "state:\n  directory: " << state_dir().string() << "\n"
                                     << "server:\n  listen: \"\"\n"
                                     << extra_yaml;
    }
    std::string config_path() const { return (dir_.path() / "config.yaml").string(); }
    std::filesystem::path state_dir() const { return dir_.path() / "state"; }

    // The store, opened on first use; it stays open (as a running daemon's) until closed.
    state::sqlite_store& store() {
        if (!store_) {
            state::sqlite_store_options o;
            o.directory = state_dir();
            o.group_window = std::chrono::milliseconds(1);
            auto log = std::make_shared<spdlog::logger>(
                "t", std::make_shared<spdlog::sinks::null_sink_st>());
            store_ = std::make_unique<state::sqlite_store>(io_.get_executor(), o, log);
        }
        return *store_;
    }
    // Commits `b` and waits until it is durable.
    void commit_and_wait(state::batch b) {
        std::optional<std::error_code> done;
        store().commit(std::move(b), [&](std::error_code ec) { done = ec; });
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!done && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_for(std::chrono::milliseconds(2));
        }
        ASSERT_TRUE(done.has_value()) << "the commit did not complete";
        ASSERT_FALSE(*done) << done->message();
    }
    void close_store() { store_.reset(); }  // closing flushes

    // The binary without API keys in its environment: it must not need them.
    sesmon::test::command_result run(const std::string& args) {
        return sesmon::test::run_shell(
            "env -u NCLOUD_ACCESS_KEY -u NCLOUD_SECRET_KEY " +
            sesmon::test::shell_quote(std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor") + " " +
            command_ + " -c " + sesmon::test::shell_quote(config_path()) + " " + args + " 2>&1");
    }

    // Before anything wrote state.db: exit 1, and the error says why.
    void expect_exit_1_without_state_db() {
        const auto missing = run("");
        EXPECT_EQ(missing.exit_code, 1) << missing.output;
        EXPECT_NE(missing.output.find("has the daemon run?"), std::string::npos) << missing.output;
    }

    // A state.db written by a newer version (SPEC §12, invariant 6): exit 2, one line naming
    // the file and both schema versions, and the file left as it is.
    void expect_exit_2_for_a_newer_schema() {
        store();
        close_store();
        {
            state::sqlite::connection db(state_dir() / "state.db",
                                         state::sqlite::open_mode::read_write_create);
            db.exec("PRAGMA user_version = 99");
        }
        const auto refused = run("");
        EXPECT_EQ(refused.exit_code, 2) << refused.output;
        EXPECT_NE(refused.output.find((state_dir() / "state.db").string() +
                                      " has schema version 99, newer than this binary's"),
                  std::string::npos)
            << refused.output;
        EXPECT_NE(refused.output.find("written by a newer version"), std::string::npos)
            << refused.output;
        state::sqlite::connection db(state_dir() / "state.db", state::sqlite::open_mode::read_only);
        EXPECT_EQ(db.query_int("PRAGMA user_version"), 99);
    }

    sesmon::test::temp_dir dir_;
    boost::asio::io_context io_;

  private:
    std::string command_;
    std::unique_ptr<state::sqlite_store> store_;
};

}  // namespace sesmon::cli::test
