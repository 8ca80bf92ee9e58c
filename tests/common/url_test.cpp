#include "common/url.hpp"

#include <gtest/gtest.h>

#include "common/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sesmon::common {
namespace {

TEST(url_test, parses_https_with_default_port_and_query) {
    const auto u = parse_url("https://vpcsearchengine.apigw.ntruss.com/api/v2/x?a=1&b=2");
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->scheme, "https");
    EXPECT_EQ(u->host, "vpcsearchengine.apigw.ntruss.com");
    EXPECT_EQ(u->port, "443");
    EXPECT_EQ(u->target, "/api/v2/x?a=1&b=2");
    EXPECT_EQ(u->origin(), "https://vpcsearchengine.apigw.ntruss.com");
}

TEST(url_test, parses_explicit_port_and_ipv6_and_empty_path) {
    const auto u = parse_url("http://127.0.0.1:8443");
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->port, "8443");
    EXPECT_EQ(u->target, "/");
    const auto v6 = parse_url("https://[::1]:9000/hooks/a");
    ASSERT_TRUE(v6.has_value());
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->origin(), "https://[::1]:9000");
}

TEST(url_test, rejects_other_schemes_userinfo_fragments_and_relative_urls) {
    for (const char* bad : {"ftp://x/", "https://user:pw@host/", "https://host/#frag", "/path", "",
                            "https://", "https://host:0/"}) {
        EXPECT_FALSE(parse_url(bad).has_value()) << bad;
    }
}

TEST(url_test, loopback_hosts_are_recognised) {
    for (const char* host : {"127.0.0.1", "127.10.0.3", "::1", "localhost", "LOCALHOST"}) {
        EXPECT_TRUE(is_loopback_host(host)) << host;
    }
    for (const char* host : {"10.0.0.1", "128.0.0.1", "example.com", "::2", "localhost.evil"}) {
        EXPECT_FALSE(is_loopback_host(host)) << host;
    }
}

TEST(atomic_file_test, writes_content_with_mode_and_replaces_old_content) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("sesmon-atomic-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "state.json";
    ASSERT_FALSE(write_file_atomically(file, "old"));
    ASSERT_FALSE(write_file_atomically(file, "new content", 0640));
    std::ifstream in(file);
    std::stringstream read;
    read << in.rdbuf();
    EXPECT_EQ(read.str(), "new content");
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                            std::filesystem::directory_iterator()),
              1);  // no temp file left behind
    std::filesystem::remove_all(dir);
}

TEST(atomic_file_test, reports_an_error_for_a_missing_directory) {
    EXPECT_TRUE(write_file_atomically("/nonexistent-sesmon-dir/x", "data"));
}

}  // namespace
}  // namespace sesmon::common
