// Unit tests of the daemon's log formats (src/daemon/logging.*).
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>

#include "daemon/logging.hpp"

namespace sesmon::daemon {
namespace {

std::string log_one(const logging_config& cfg, log_target target, spdlog::level::level_enum lvl,
                    const std::string& message) {
    std::ostringstream out;
    auto logger = std::make_shared<spdlog::logger>(
        "t", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    apply_logging(*logger, cfg, target);
    logger->log(lvl, message);
    logger->flush();
    return out.str();
}

TEST(logging_test, text_lines_carry_utc_timestamp_and_level) {
    const auto line = log_one({log_level::info, log_format::text}, {false}, spdlog::level::warn,
                              "cluster a: poll failed");
    EXPECT_TRUE(std::regex_match(
        line,
        std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn cluster a: poll failed\n)")))
        << line;
}

TEST(logging_test, under_journald_text_lines_have_priority_prefix_and_no_timestamp) {
    EXPECT_EQ(log_one({log_level::info, log_format::text}, {true}, spdlog::level::warn, "x"),
              "<4>x\n");
    EXPECT_EQ(log_one({log_level::info, log_format::text}, {true}, spdlog::level::err, "y"),
              "<3>y\n");
    EXPECT_EQ(log_one({log_level::info, log_format::text}, {true}, spdlog::level::info, "z"),
              "<6>z\n");
}

TEST(logging_test, level_filters_lines_below_it) {
    EXPECT_EQ(log_one({log_level::warn, log_format::text}, {true}, spdlog::level::info, "x"), "");
}

TEST(logging_test, json_lines_escape_messages_and_embed_event_objects) {
    const auto plain = log_one({log_level::info, log_format::json}, {false}, spdlog::level::info,
                               "say \"hi\"\\\n");
    EXPECT_NE(plain.find(R"("level":"info","message":"say \"hi\"\\\n"})"), std::string::npos)
        << plain;
    const auto event = log_one({log_level::info, log_format::json}, {true}, spdlog::level::info,
                               R"({"type":"node_changed"})");
    EXPECT_NE(event.find(R"("event":{"type":"node_changed"}})"), std::string::npos) << event;
    EXPECT_EQ(event.find("<6>"), std::string::npos);  // JSON lines stay self-contained
}

}  // namespace
}  // namespace sesmon::daemon
