// disk_faults: the control of the disk fault seam — the control file's format, and a hang
// that ends when the control says so.
#include "state/disk_faults.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <thread>

namespace sesmon::state {
namespace {

using namespace std::chrono_literals;

TEST(disk_faults_test, the_control_file_format) {
    EXPECT_EQ(parse_disk_fault(""), disk_fault_setting{});
    EXPECT_EQ(parse_disk_fault("ok\n"), disk_fault_setting{});
    EXPECT_EQ(parse_disk_fault(" read-only "), (disk_fault_setting{disk_fault::read_only, {}}));
    EXPECT_EQ(parse_disk_fault("full"), (disk_fault_setting{disk_fault::full, {}}));
    EXPECT_EQ(parse_disk_fault("io-error"), (disk_fault_setting{disk_fault::io_error, {}}));
    EXPECT_EQ(parse_disk_fault("hung"), (disk_fault_setting{disk_fault::hung, {}}));
    EXPECT_EQ(parse_disk_fault("slow 250\n"), (disk_fault_setting{disk_fault::slow, 250ms}));
    EXPECT_FALSE(parse_disk_fault("slow"));
    EXPECT_FALSE(parse_disk_fault("slow -1"));
    EXPECT_FALSE(parse_disk_fault("slow 2s"));
    EXPECT_FALSE(parse_disk_fault("readonly"));
    for (const char* text : {"ok", "read-only", "full", "io-error", "slow 250", "hung"})
        EXPECT_EQ(to_string(*parse_disk_fault(text)), text);
}

TEST(disk_faults_test, a_control_file_is_read_again_when_it_changes_and_nonsense_is_ok) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("sesmon-disk-faults-" + std::to_string(::getpid()));
    disk_faults faults(file);
    EXPECT_EQ(faults.current().mode, disk_fault::none);  // no file: no fault
    std::ofstream(file) << "full\n";
    std::this_thread::sleep_for(30ms);  // re-read at most every 20 ms
    EXPECT_EQ(faults.current().mode, disk_fault::full);
    std::ofstream(file) << "broken\n";
    std::this_thread::sleep_for(30ms);
    EXPECT_EQ(faults.current().mode, disk_fault::none);
    EXPECT_NE(faults.problem().find("not a disk fault"), std::string::npos) << faults.problem();
    faults.set(disk_fault::full);  // the file is in charge
    EXPECT_EQ(faults.current().mode, disk_fault::none);
    std::filesystem::remove(file);
}

TEST(disk_faults_test, a_hang_lasts_until_the_mode_changes) {
    disk_faults faults;
    faults.set(disk_fault::hung);
    auto waiting = std::async(std::launch::async, [&] { return faults.wait_while_hung(); });
    EXPECT_EQ(waiting.wait_for(100ms), std::future_status::timeout);
    EXPECT_EQ(faults.blocked(), 1u);
    faults.set(disk_fault::full);
    ASSERT_EQ(waiting.wait_for(2s), std::future_status::ready);
    EXPECT_EQ(waiting.get().mode, disk_fault::full);  // what ended the hang applies
    EXPECT_EQ(faults.blocked(), 0u);
}

}  // namespace
}  // namespace sesmon::state
