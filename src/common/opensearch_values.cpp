// The small pure functions of sesmon/opensearch.hpp.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <tuple>

#include "sesmon/opensearch.hpp"

namespace sesmon {

recovery_summary summarize_recoveries(const std::vector<shard_recovery>& r) {
    recovery_summary out;
    out.count = static_cast<int>(r.size());
    if (r.empty())
        return out;
    long long done = 0;
    long long total = 0;
    double percents = 0;
    for (const shard_recovery& one : r) {
        done += one.bytes_recovered;
        total += one.bytes_total;
        percents += one.bytes_percent;
    }
    out.percent_done = total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total)
                                 : percents / static_cast<double>(r.size());
    out.percent_done = std::clamp(out.percent_done, 0.0, 100.0);
    return out;
}

namespace {

// FNV-1a, 64 bits: stable across builds and runs (the fingerprint is stored).
struct fnv {
    unsigned long long h = 1469598103934665603ULL;
    void add(std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        add_byte(0xff);  // a separator: ("ab","c") and ("a","bc") differ
    }
    void add(long long n) { add(std::string_view(std::to_string(n))); }
    void add_byte(unsigned char c) {
        h ^= c;
        h *= 1099511628211ULL;
    }
};

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// `longer` is `shorter` followed by a domain: "x-1.internal" for "x-1".
bool with_domain(std::string_view longer, std::string_view shorter) {
    return longer.size() > shorter.size() + 1 && longer[shorter.size()] == '.' &&
           iequal(longer.substr(0, shorter.size()), shorter);
}

}  // namespace

unsigned long long recovery_fingerprint(const std::vector<shard_recovery>& r) {
    if (r.empty())
        return 0;
    std::vector<const shard_recovery*> sorted;
    sorted.reserve(r.size());
    for (const shard_recovery& one : r)
        sorted.push_back(&one);
    // The answer's order is not significant.
    std::sort(sorted.begin(), sorted.end(), [](const shard_recovery* a, const shard_recovery* b) {
        return std::tie(a->index, a->shard, a->target_node) <
               std::tie(b->index, b->shard, b->target_node);
    });
    fnv f;
    for (const shard_recovery* one : sorted) {
        f.add(one->index);
        f.add(one->shard);
        f.add(one->target_node);
        f.add(one->stage);
        f.add(one->bytes_recovered);
        f.add(one->files_recovered);
        f.add(one->translog_ops_recovered);
        f.add(static_cast<long long>(one->bytes_percent * 10));
    }
    return f.h == 0 ? 1 : f.h;
}

const opensearch_node* find_opensearch_node(const std::vector<opensearch_node>& nodes,
                                            const std::string& hostname) {
    for (const opensearch_node& n : nodes) {
        if (iequal(n.name, hostname))
            return &n;
    }
    for (const opensearch_node& n : nodes) {
        if (with_domain(n.name, hostname) || with_domain(hostname, n.name))
            return &n;
    }
    return nullptr;
}

}  // namespace sesmon
