// The fixed-offset zones maintenance windows accept, checked against the system's tzdata:
// every table entry must have exactly its offset on dates across both seasons of 2000-2030
// (so no daylight saving time and no change), as localtime_r with TZ=<zone> says.
#include "silence/time_zone.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <sstream>

namespace sesmon::silence {
namespace {

using namespace std::chrono_literals;

// The offset tzdata gives `zone` at Unix time `t` (seconds).
long tzdata_offset(const std::string& zone, std::time_t t) {
    ::setenv("TZ", zone.c_str(), 1);
    ::tzset();
    std::tm local{};
    ::localtime_r(&t, &local);
    return local.tm_gmtoff;
}

class zone_table_test : public ::testing::Test {
  protected:
    void SetUp() override {
        if (const char* tz = std::getenv("TZ"))
            saved_ = tz;
    }
    void TearDown() override {
        if (saved_)
            ::setenv("TZ", saved_->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    std::optional<std::string> saved_;
};

TEST_F(zone_table_test, every_named_zone_has_its_offset_all_year_in_tzdata) {
    std::istringstream names(known_zones());
    std::string name;
    int checked = 0;
    while (std::getline(names, name, ',')) {
        while (!name.empty() && name.front() == ' ')
            name.erase(0, 1);
        const auto offset = zone_offset(name);
        ASSERT_TRUE(offset) << name;
        for (int year = 2000; year <= 2030; year += 3) {
            for (int month : {1, 4, 7, 10}) {
                std::tm when{};
                when.tm_year = year - 1900;
                when.tm_mon = month - 1;
                when.tm_mday = 15;
                when.tm_hour = 12;
                const std::time_t t = ::timegm(&when);
                EXPECT_EQ(tzdata_offset(name, t), std::chrono::seconds(*offset).count())
                    << name << " on " << year << "-" << month;
            }
        }
        ++checked;
    }
    EXPECT_GE(checked, 3);
    EXPECT_EQ(zone_offset("Asia/Seoul"), std::chrono::minutes(9h));
    EXPECT_EQ(zone_offset("Asia/Tokyo"), std::chrono::minutes(9h));
    EXPECT_EQ(zone_offset("UTC"), std::chrono::minutes(0));
}

TEST(time_zone_test, fixed_offsets_are_read) {
    EXPECT_EQ(zone_offset("+09:00"), std::chrono::minutes(9h));
    EXPECT_EQ(zone_offset("-05:30"), -std::chrono::minutes(5h + 30min));
    EXPECT_EQ(zone_offset("Z"), std::chrono::minutes(0));
    EXPECT_FALSE(zone_offset("+9"));
    EXPECT_FALSE(zone_offset("+15:00"));
    EXPECT_FALSE(zone_offset("+09:60"));
}

TEST(time_zone_test, a_zone_with_daylight_saving_time_is_refused_saying_so) {
    std::string why;
    EXPECT_FALSE(zone_offset("Europe/Berlin", &why));
    EXPECT_NE(why.find("daylight saving time"), std::string::npos) << why;
    EXPECT_FALSE(zone_offset("Asia/Sеoul", &why));  // a Cyrillic e
    EXPECT_NE(why.find("unknown time zone"), std::string::npos) << why;
    EXPECT_NE(why.find("Asia/Seoul"), std::string::npos) << why;
}

}  // namespace
}  // namespace sesmon::silence
