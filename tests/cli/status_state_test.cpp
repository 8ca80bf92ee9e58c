// `status` reads state.db only for the expected finish: a state.db of a newer version does not
// stop it, but it says so on stderr (SPEC §12, invariant 6: the tools say so clearly).
#include "command_fixture.hpp"

namespace sesmon::cli::test {
namespace {

class status_state_test : public command_fixture {
  protected:
    status_state_test() : command_fixture("status") {}
};

TEST_F(status_state_test, a_state_db_of_a_newer_version_is_named_on_stderr) {
    store();
    close_store();
    {
        state::sqlite::connection db(state_dir() / "state.db",
                                     state::sqlite::open_mode::read_write_create);
        db.exec("PRAGMA user_version = 99");
    }
    // The API (127.0.0.1:9) does not answer: exit 1 for that; the warning is the point.
    const auto r = sesmon::test::run_shell(
        "NCLOUD_ACCESS_KEY=ak NCLOUD_SECRET_KEY=sk " +
        sesmon::test::shell_quote(std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor") +
        " status -c " + sesmon::test::shell_quote(config_path()) + " 2>&1 >/dev/null");
    EXPECT_NE(r.output.find("warning: " + (state_dir() / "state.db").string() +
                            " has schema version 99, newer than this binary's"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("eta.node_prior only"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace sesmon::cli::test
