#include "state/store.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "monitor/cluster_state_json.hpp"

namespace sesmon::state {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const wall_time start = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 20h;

class store_test : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("sesmon-store-test-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        log_ = std::make_shared<spdlog::logger>(
            "state", std::make_shared<spdlog::sinks::ostream_sink_st>(log_text_));
    }
    void TearDown() override { fs::remove_all(root_); }

    std::vector<std::string> files_in_clusters() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(root_ / "clusters")) {
            names.push_back(e.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }
    static void write(const fs::path& p, const std::string& text) {
        std::ofstream(p, std::ios::binary) << text;
    }
    static std::string read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }

    static monitor::cluster_state sample(const std::string& marker) {
        monitor::cluster_state s;
        monitor::upgrade_record u;
        u.identity = {"2025-03-24 17:09:41", "2150"};
        u.from_version = "2140";
        u.to_version = "2150";
        u.started_at = start;
        u.last_change = start + 5min;
        monitor::node_record n;
        n.hostname = "node-" + marker;
        n.status = "Upgrade_OpenSearch";
        n.since = start + 1min;
        n.first_seen = start;
        n.last_seen = start + 5min;
        n.changes = 2;
        u.nodes.push_back(n);
        s.upgrade = u;
        s.blind.number = 3;
        s.blind.last_success = start + 5min;
        s.emitted = {"id-" + marker};
        return s;
    }

    fs::path root_;
    std::ostringstream log_text_;
    std::shared_ptr<spdlog::logger> log_;
    manual_clock clock_{start};
};

TEST_F(store_test, creates_missing_directories_private) {
    store s(root_ / "state", log_, clock_);
    ASSERT_TRUE(fs::is_directory(root_ / "state" / "clusters"));
    struct stat st {};
    ASSERT_EQ(::stat((root_ / "state").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(::stat((root_ / "state" / "clusters").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(store_test, missing_file_gives_a_fresh_state_without_warning) {
    store s(root_, log_, clock_);
    EXPECT_EQ(s.load("1037001"), monitor::cluster_state{});
    EXPECT_EQ(log_text_.str(), "");
}

TEST_F(store_test, save_then_load_round_trips) {
    store s(root_, log_, clock_);
    ASSERT_TRUE(s.save("1037001", sample("a")));
    store reopened(root_, log_, clock_);
    EXPECT_EQ(reopened.load("1037001"), sample("a"));
    struct stat st {};
    ASSERT_EQ(::stat(s.file_of("1037001").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(store_test, atomic_writes_leave_no_temp_files) {
    store s(root_, log_, clock_);
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(s.save("1037001", sample(std::to_string(i))));
        s.mark_dirty("1037002", sample(std::to_string(i)));
        s.flush();
    }
    EXPECT_EQ(files_in_clusters(), (std::vector<std::string>{"1037001.json", "1037002.json"}));
}

TEST_F(store_test, temp_files_left_by_a_crash_are_removed_at_open) {
    { store s(root_, log_, clock_); }
    write(root_ / "clusters" / "1037001.json.tmp.Ab12Cd", "{half");
    store s(root_, log_, clock_);
    EXPECT_TRUE(files_in_clusters().empty());
    EXPECT_NE(log_text_.str().find("removed 1 temp file"), std::string::npos);
}

TEST_F(store_test, corrupt_file_is_moved_aside_and_a_fresh_state_returned) {
    store s(root_, log_, clock_);
    ASSERT_TRUE(s.save("1037001", sample("a")));
    const std::string good = read(s.file_of("1037001"));
    write(s.file_of("1037001"), good.substr(0, good.size() / 2));  // torn by a bad disk
    EXPECT_EQ(s.load("1037001"), monitor::cluster_state{});
    const std::string aside =
        "1037001.json.corrupt-" + std::to_string(start.time_since_epoch().count());
    EXPECT_EQ(files_in_clusters(), std::vector<std::string>{aside});
    EXPECT_EQ(read(root_ / "clusters" / aside), good.substr(0, good.size() / 2));
    EXPECT_NE(log_text_.str().find("[warning]"), std::string::npos) << log_text_.str();
    EXPECT_NE(log_text_.str().find(aside), std::string::npos) << log_text_.str();
    // The next save starts a clean file.
    ASSERT_TRUE(s.save("1037001", sample("b")));
    EXPECT_EQ(s.load("1037001"), sample("b"));
}

TEST_F(store_test, second_corruption_in_the_same_second_keeps_both_copies) {
    store s(root_, log_, clock_);
    write(s.file_of("7"), "garbage 1");
    s.load("7");
    write(s.file_of("7"), "garbage 2");
    s.load("7");
    EXPECT_EQ(files_in_clusters().size(), 2u);
}

TEST_F(store_test, unreadable_other_format_or_other_cluster_files_are_moved_aside) {
    store s(root_, log_, clock_);
    fs::create_directory(s.file_of("1"));  // a directory where the file should be
    write(s.file_of("2"), R"({"format": 99, "instance_no": "2"})");
    write(s.file_of("3"), monitor::to_json(sample("x"), "4"));
    for (const std::string no : {"1", "2", "3"}) {
        EXPECT_EQ(s.load(no), monitor::cluster_state{}) << no;
        EXPECT_FALSE(fs::exists(s.file_of(no))) << no;
    }
    EXPECT_EQ(files_in_clusters().size(), 3u);
    EXPECT_NE(log_text_.str().find("unsupported format 99"), std::string::npos);
    EXPECT_NE(log_text_.str().find("written for instance_no 4"), std::string::npos);
}

TEST_F(store_test, flush_writes_each_dirty_cluster_once_with_its_latest_state) {
    store s(root_, log_, clock_);
    s.mark_dirty("1", sample("old"));
    s.mark_dirty("2", sample("two"));
    s.mark_dirty("1", sample("new"));
    s.mark_dirty("3", sample("three"));
    s.discard("3");
    EXPECT_EQ(s.pending(), 2u);
    EXPECT_EQ(s.flush(), 2u);
    EXPECT_EQ(s.pending(), 0u);
    EXPECT_EQ(s.flush(), 0u);
    EXPECT_EQ(s.load("1"), sample("new"));
    EXPECT_EQ(s.load("2"), sample("two"));
    EXPECT_EQ(files_in_clusters(), (std::vector<std::string>{"1.json", "2.json"}));
}

TEST_F(store_test, failed_write_stays_pending_and_is_retried) {
    store s(root_, log_, clock_);
    fs::create_directory(s.file_of("1"));  // rename over a directory fails
    s.mark_dirty("1", sample("a"));
    s.mark_dirty("2", sample("b"));
    EXPECT_EQ(s.flush(), 1u);
    EXPECT_EQ(s.pending(), 1u);
    EXPECT_NE(log_text_.str().find("could not write 1 cluster file"), std::string::npos);
    fs::remove(s.file_of("1"));
    EXPECT_EQ(s.flush(), 1u);
    EXPECT_EQ(s.load("1"), sample("a"));
}

TEST_F(store_test, odd_instance_numbers_stay_inside_the_clusters_directory) {
    store s(root_, log_, clock_);
    for (const std::string& no :
         std::vector<std::string>{"../escape", "a/b", "", std::string(100, 'x')}) {
        const fs::path file = s.file_of(no);
        EXPECT_EQ(file.parent_path(), root_ / "clusters") << no;
        ASSERT_TRUE(s.save(no, sample("odd")));
        EXPECT_EQ(s.load(no), sample("odd")) << no;
    }
    EXPECT_NE(s.file_of("../escape"), s.file_of("a/b"));
}

}  // namespace
}  // namespace sesmon::state
