// known_file: the discovered set survives a restart; corrupt files are moved aside; writes
// happen off the caller's thread and failures are logged once per episode.
#include "discovery/known_file.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "support/test_certs.hpp"

namespace sesmon::discovery {
namespace {

namespace fs = std::filesystem;

struct captured_logger {
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(text));
};

const known_set sample{{"7", "KR", "logs", "logs", 0},
                       {"1037001", "SGN", "my cluster", "my-cluster", 1}};

TEST(known_file_test, a_saved_set_loads_back_after_a_restart) {
    test::temp_dir dir;
    captured_logger log;
    manual_clock clock(wall_time{std::chrono::seconds(1000)});
    {
        known_file file(dir.path() / "discovered.json", log.logger, clock);
        EXPECT_TRUE(file.load().empty());
        file.save(sample);
    }  // the destructor writes what is pending
    known_file again(dir.path() / "discovered.json", log.logger, clock);
    EXPECT_EQ(again.load(), sample);
    struct stat st {};
    ASSERT_EQ(::stat((dir.path() / "discovered.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(known_file_test, text_round_trips_and_rejects_other_files) {
    std::string problem;
    EXPECT_EQ(parse_known_text(known_text(sample), problem), sample);
    EXPECT_FALSE(parse_known_text("[]", problem));
    EXPECT_FALSE(parse_known_text(R"({"format":"other","clusters":[]})", problem));
    EXPECT_FALSE(parse_known_text(
        R"({"format":"ses-upgrade-monitor/discovered-v1","clusters":[{"instance_no":"1"}]})",
        problem));
    EXPECT_EQ(problem, "a malformed or repeated cluster entry");
}

TEST(known_file_test, a_corrupt_file_is_moved_aside_and_the_set_starts_empty) {
    test::temp_dir dir;
    captured_logger log;
    manual_clock clock(wall_time{std::chrono::seconds(1700000000)});
    std::ofstream(dir.path() / "discovered.json") << "{ not json";
    known_file file(dir.path() / "discovered.json", log.logger, clock);
    EXPECT_TRUE(file.load().empty());
    EXPECT_TRUE(fs::exists(dir.path() / "discovered.json.corrupt-1700000000"));
    EXPECT_FALSE(fs::exists(dir.path() / "discovered.json"));
    EXPECT_NE(log.text.str().find("moved it to"), std::string::npos) << log.text.str();
}

TEST(known_file_test, a_failing_write_is_logged_once_and_recovers) {
    test::temp_dir dir;
    captured_logger log;
    manual_clock clock(wall_time{});
    known_file file(dir.path() / "missing-dir" / "discovered.json", log.logger, clock);
    file.save(sample);
    file.save(sample);
    file.flush();
    file.save(sample);
    file.flush();
    const std::string text = log.text.str();
    const auto first = text.find("cannot save the discovered clusters");
    ASSERT_NE(first, std::string::npos) << text;
    EXPECT_EQ(text.find("cannot save the discovered clusters", first + 1), std::string::npos)
        << text;
    fs::create_directories(dir.path() / "missing-dir");
    file.save(sample);
    file.flush();
    EXPECT_NE(log.text.str().find("saved the discovered clusters to"), std::string::npos);
    EXPECT_TRUE(fs::exists(dir.path() / "missing-dir" / "discovered.json"));
}

}  // namespace
}  // namespace sesmon::discovery
