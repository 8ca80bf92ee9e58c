// read_listing: every page of every region through the real NAVER Cloud client against the
// simulator, each kind of failure, and the paging rules on pages no simulator would send
// (through a scripted cluster_list_source).
#include "discovery/listing.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "ncp/client.hpp"
#include "net/https_client.hpp"
#include "sim_support.hpp"
#include "support/run_awaitable.hpp"

namespace sesmon::discovery {
namespace {

std::string fleet_yaml(int kr, int sgn) {
    std::string yaml = "clusters:\n";
    for (int i = 1; i <= kr + sgn; ++i) {
        yaml += "  - {name: c" + std::to_string(i) + ", instance_no: \"" +
                std::to_string(5000 + i) + "\", version: \"2140\", nodes: [{hostname: h" +
                std::to_string(i) + "}]" + (i > kr ? ", region: SGN" : "") + "}\n";
    }
    yaml +=
        "  - {name: secret, instance_no: \"9\", version: \"2140\", nodes: [{hostname: s}], "
        "listing: disallowed}\n";
    return yaml;
}

class listing_test : public ::testing::Test {
  protected:
    explicit listing_test(int kr = 25, int sgn = 3, bool signed_keys = true)
        : sim_(sim::test::scenario_from(fleet_yaml(kr, sgn), sim::test::kst("2030-01-01 00:00:00")),
               options(signed_keys)),
          http_(io_.get_executor(), {}),
          limiter_(io_.get_executor(), clock_, {1000, 4}) {}

    static sim::simulator_options options(bool signed_keys) {
        sim::simulator_options o;
        o.time_scale = 0;
        if (signed_keys)
            o.credentials = sim::gateway_credentials{"AK", "SK"};
        return o;
    }

    api_config api(std::string secret = "SK") const {
        api_config c;
        c.endpoint = "http://127.0.0.1:" + std::to_string(sim_.port());
        c.access_key = sesmon::secret("AK", "test");
        c.secret_key = sesmon::secret(std::move(secret), "test");
        return c;
    }

    listing_result read(const api_config& cfg, std::vector<std::string> regions) {
        ncp::client client(http_, cfg);
        return test::run_awaitable(io_, read_listing(client, limiter_, {std::move(regions)}));
    }

    void fault(const std::string& json) {
        auto r = sim::test::exchange(sim_.port(),
                                     {.method = "POST", .target = "/_sim/faults", .body = json});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    sim::test::running_sim sim_;
    boost::asio::io_context io_;
    sesmon::system_clock clock_;
    net::https_client http_;
    monitor::rate_limiter limiter_;
};

TEST_F(listing_test, reads_every_page_of_every_region_in_order) {
    const auto r = read(api(), {"KR", "SGN"});
    ASSERT_TRUE(r) << r.error().describe();
    // KR: 25 allowed + 1 disallowed = 26 entries, 3 pages of 10; SGN: 1 page.
    EXPECT_EQ(r->pages, 4);
    ASSERT_EQ(r->entries.size(), 29u);
    EXPECT_EQ(r->entries.front().cluster.name, "c1");
    EXPECT_EQ(r->entries.front().region, "KR");
    EXPECT_EQ(r->entries[24].cluster.name, "c25");
    EXPECT_EQ(r->entries[25].cluster.name, "secret");
    EXPECT_FALSE(r->entries[25].allowed);
    EXPECT_EQ(r->entries[26].cluster.name, "c26");
    EXPECT_EQ(r->entries[26].region, "SGN");
    EXPECT_EQ(r->entries.back().cluster.instance_no, "5028");
}

TEST_F(listing_test, a_failed_page_fails_the_whole_listing_naming_region_and_page) {
    fault(R"({"faults":[{"kind":"gateway_error","status":503,"route":"list","page":2}]})");
    const auto r = read(api(), {"KR", "SGN"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().region, "KR");
    EXPECT_EQ(r.error().page, 2);
    EXPECT_EQ(r.error().error.kind, api_error_kind::server);
    EXPECT_EQ(r.error().describe().rfind("region KR, page 2: ", 0), 0u) << r.error().describe();
}

TEST_F(listing_test, wrong_keys_throttling_and_malformed_pages_are_failures_of_their_kind) {
    const auto auth = read(api("wrong"), {"KR"});
    ASSERT_FALSE(auth);
    EXPECT_EQ(auth.error().error.kind, api_error_kind::auth);
    EXPECT_EQ(auth.error().page, 1);

    fault(R"({"faults":[{"kind":"rate_limit","retry_after":9,"route":"list","count":1}]})");
    const auto throttled = read(api(), {"KR"});
    ASSERT_FALSE(throttled);
    EXPECT_EQ(throttled.error().error.kind, api_error_kind::throttled);
    EXPECT_EQ(throttled.error().error.retry_after, std::chrono::seconds(9));

    fault(R"({"faults":[{"kind":"invalid_json","route":"list","page":3,"count":1}]})");
    const auto malformed = read(api(), {"KR"});
    ASSERT_FALSE(malformed);
    EXPECT_EQ(malformed.error().error.kind, api_error_kind::invalid_response);
    EXPECT_EQ(malformed.error().page, 3);

    EXPECT_TRUE(read(api(), {"KR"}));  // the faults were used up
}

// --- paging rules on scripted pages ----------------------------------------------------------

class scripted_pages final : public cluster_list_source {
  public:
    std::deque<cluster_list_result> answers;
    std::vector<std::pair<std::string, int>> asked;  // region, page
    boost::asio::awaitable<cluster_list_result> fetch_cluster_page(std::string region, int page_no,
                                                                   int) override {
        asked.emplace_back(region, page_no);
        if (answers.empty())
            co_return cluster_list_page{};
        auto next = std::move(answers.front());
        answers.pop_front();
        co_return next;
    }
};

cluster_list_page page(std::optional<long long> current, std::optional<long long> total_page,
                       std::optional<bool> is_last, int clusters,
                       std::optional<long long> total_count = std::nullopt) {
    cluster_list_page p;
    p.current_page = current;
    p.total_page = total_page;
    p.is_last = is_last;
    p.total_count = total_count;
    for (int i = 0; i < clusters; ++i)
        p.allowed.push_back(
            {std::to_string(100 * current.value_or(0) + i), "x", "running", "", ""});
    return p;
}

class paging_test : public ::testing::Test {
  protected:
    listing_result read(int page_size = 2, int max_pages = 50) {
        return test::run_awaitable(io_,
                                   read_listing(source_, limiter_, {{"KR"}, page_size, max_pages}));
    }
    boost::asio::io_context io_;
    sesmon::system_clock clock_;
    monitor::rate_limiter limiter_{io_.get_executor(), clock_, {1000, 1}};
    scripted_pages source_;
};

TEST_F(paging_test, is_last_ends_even_before_total_page) {
    source_.answers = {page(1, 5, false, 2), page(2, 5, true, 2)};
    const auto r = read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->pages, 2);
    EXPECT_EQ(r->entries.size(), 4u);
}

TEST_F(paging_test, total_page_ends_when_is_last_is_missing_or_false) {
    source_.answers = {page(1, 2, std::nullopt, 2), page(2, 2, false, 2)};
    const auto r = read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->pages, 2);
}

TEST_F(paging_test, without_paging_fields_a_short_or_empty_page_ends) {
    source_.answers = {page(std::nullopt, std::nullopt, std::nullopt, 2),
                       page(std::nullopt, std::nullopt, std::nullopt, 1)};
    EXPECT_EQ(read()->pages, 2);
    source_.answers = {page(std::nullopt, std::nullopt, false, 2),
                       page(std::nullopt, std::nullopt, false, 0)};
    EXPECT_EQ(read()->pages, 2) << "an empty page ends the listing whatever isLast says";
}

TEST_F(paging_test, the_list_changing_while_read_is_a_failure) {
    source_.answers = {page(1, 3, false, 2, 6), page(2, 3, false, 2, 5)};
    const auto r = read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().page, 2);
    EXPECT_EQ(r.error().error.kind, api_error_kind::invalid_response);
    EXPECT_NE(r.error().error.message.find("totalCount 6, then 5"), std::string::npos);
}

TEST_F(paging_test, a_page_other_than_the_one_asked_for_is_a_failure) {
    source_.answers = {page(1, 3, false, 2), page(1, 3, false, 2)};
    const auto r = read();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().error.message.find("asked for page 2, got page 1"), std::string::npos);
}

TEST_F(paging_test, endless_paging_stops_at_max_pages) {
    for (int i = 1; i <= 10; ++i)
        source_.answers.push_back(page(i, std::nullopt, false, 2));
    const auto r = read(2, 5);
    ASSERT_FALSE(r);
    EXPECT_EQ(source_.asked.size(), 5u);
    EXPECT_NE(r.error().error.message.find("more than 5 pages"), std::string::npos);
}

TEST_F(paging_test, every_page_takes_a_permit_and_gives_it_back) {
    source_.answers = {page(1, 3, false, 2), page(2, 3, false, 2), page(3, 3, true, 2)};
    ASSERT_TRUE(read());
    EXPECT_EQ(limiter_.in_flight(), 0);
    EXPECT_EQ(source_.asked.size(), 3u);
}

}  // namespace
}  // namespace sesmon::discovery
