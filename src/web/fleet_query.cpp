#include "web/fleet_query.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <tuple>

#include "common/crypto.hpp"
#include "web/query_string.hpp"

namespace sesmon::web {

namespace {

constexpr std::string_view fleet_parameters[] = {"state", "label",  "q",    "sort",
                                                 "limit", "cursor", "nodes"};

// Where a row sorts: (rank, time, name), compared in that order.
struct sort_key {
    int rank = 0;
    long long t = 0;
    std::string_view name;
    friend bool operator<(const sort_key& a, const sort_key& b) {
        return std::tie(a.rank, a.t, a.name) < std::tie(b.rank, b.t, b.name);
    }
};

long long seconds_of(const std::optional<wall_time>& t, long long absent) {
    return t ? t->time_since_epoch().count() : absent;
}

sort_key key_of(const fleet_index::entry& e, fleet_sort sort) {
    const fleet_row& r = e.row;
    switch (sort) {
        case fleet_sort::name:
            return {0, 0, r.name};
        case fleet_sort::eta:
            return {0, seconds_of(r.eta, LLONG_MAX), r.name};
        case fleet_sort::attention:
            break;
    }
    long long t = 0;
    switch (e.state) {
        case fleet_state::stalled:
        case fleet_state::blind:
            t = seconds_of(r.since, 0);  // the longest first
            break;
        case fleet_state::upgrading:
            t = seconds_of(r.eta, LLONG_MAX);  // the soonest first
            break;
        case fleet_state::finished:
            t = -seconds_of(r.facts.finished_at, 0);  // the most recent first
            break;
        case fleet_state::failed:
        case fleet_state::idle:
            break;
    }
    return {static_cast<int>(e.state), t, r.name};
}

char sort_letter(fleet_sort sort) {
    return sort == fleet_sort::name ? 'n' : sort == fleet_sort::eta ? 'e' : 'a';
}

std::string base64url(std::string_view bytes) {
    std::string s = common::base64_encode(bytes);
    for (char& c : s)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!s.empty() && s.back() == '=')
        s.pop_back();
    return s;
}

std::optional<std::string> from_base64url(std::string_view text) {
    std::string s(text);
    for (char& c : s)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (s.size() % 4 != 0)
        s += '=';
    return common::base64_decode(s);
}

// "<sort>.<rank>.<t>.<name>", base64url: opaque to clients, cheap to check here.
std::string encode_cursor(const sort_key& k, fleet_sort sort) {
    return base64url(std::string(1, sort_letter(sort)) + "." + std::to_string(k.rank) + "." +
                     std::to_string(k.t) + "." + std::string(k.name));
}

struct decoded_cursor {
    int rank = 0;
    long long t = 0;
    std::string name;
};

template <class T>
bool parse_number(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

std::optional<decoded_cursor> decode_cursor(std::string_view cursor, fleet_sort sort) {
    const auto text = from_base64url(cursor);
    if (!text || text->size() < 2 || (*text)[0] != sort_letter(sort) || (*text)[1] != '.')
        return std::nullopt;
    std::string_view rest = std::string_view(*text).substr(2);
    const auto dot1 = rest.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : rest.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos)
        return std::nullopt;
    decoded_cursor c;
    if (!parse_number(rest.substr(0, dot1), c.rank) ||
        !parse_number(rest.substr(dot1 + 1, dot2 - dot1 - 1), c.t))
        return std::nullopt;
    c.name = std::string(rest.substr(dot2 + 1));
    return c;
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_folded(std::string_view haystack, std::string_view lowered_needle) {
    const auto it = std::search(haystack.begin(), haystack.end(), lowered_needle.begin(),
                                lowered_needle.end(), [](char a, char b) { return lower(a) == b; });
    return it != haystack.end() || lowered_needle.empty();
}

// FNV-1a, 64 bits: the ETag's hash (not a security boundary: a weak validator).
struct fnv {
    std::uint64_t h = 14695981039346656037ull;
    void add(std::string_view s) {
        for (const char c : s) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ull;
        }
        h ^= 0xff;  // a separator, so ("ab","c") and ("a","bc") differ
        h *= 1099511628211ull;
    }
    void add(std::uint64_t n) { add(std::to_string(n)); }
    std::string etag() const {
        static constexpr char digits[] = "0123456789abcdef";
        std::string out = "W/\"0123456789abcdef\"";
        std::uint64_t v = h;
        for (std::size_t i = 18; i >= 3; --i, v >>= 4)
            out[i] = digits[v & 0xf];
        return out;
    }
};

}  // namespace

std::string_view to_string(fleet_sort sort) {
    switch (sort) {
        case fleet_sort::attention:
            return "attention";
        case fleet_sort::name:
            return "name";
        case fleet_sort::eta:
            return "eta";
    }
    return "attention";
}

query_parse parse_fleet_query(std::string_view target) {
    query_parse out;
    const auto params = parse_query(target);
    if (!params) {
        out.error = "malformed %-escape in the query string";
        return out;
    }
    const bool any = std::any_of(params->begin(), params->end(), [](const auto& p) {
        return std::find(std::begin(fleet_parameters), std::end(fleet_parameters), p.first) !=
               std::end(fleet_parameters);
    });
    if (!any) {
        out.whole_document = true;
        return out;
    }
    fleet_query q;
    bool seen_sort = false, seen_limit = false, seen_cursor = false, seen_q = false,
         seen_nodes = false;
    const auto once = [&](bool& seen, const std::string& name) {
        if (seen)
            out.error = name + " given twice";
        seen = true;
        return out.error.empty();
    };
    for (const auto& [name, value] : *params) {
        if (name == "state") {
            std::string_view rest = value;
            while (true) {
                const auto comma = rest.find(',');
                const std::string_view word = rest.substr(0, comma);
                const auto s = parse_fleet_state(word);
                if (!s) {
                    out.error = "state \"" + std::string(word) +
                                "\": expected failed, stalled, blind, upgrading, finished or idle";
                    return out;
                }
                if (std::find(q.states.begin(), q.states.end(), *s) == q.states.end())
                    q.states.push_back(*s);
                if (comma == std::string_view::npos)
                    break;
                rest = rest.substr(comma + 1);
            }
        } else if (name == "label") {
            std::string error;
            auto selector = parse_label_selector(value, &error);
            if (!selector) {
                out.error = error;
                return out;
            }
            q.labels.push_back(std::move(*selector));
        } else if (name == "q") {
            if (!once(seen_q, name))
                return out;
            for (const char c : value)
                q.text += lower(c);
        } else if (name == "sort") {
            if (!once(seen_sort, name))
                return out;
            if (value == "attention" || value.empty()) {
                q.sort = fleet_sort::attention;
            } else if (value == "name") {
                q.sort = fleet_sort::name;
            } else if (value == "eta") {
                q.sort = fleet_sort::eta;
            } else {
                out.error = "sort \"" + value + "\": expected attention, name or eta";
                return out;
            }
        } else if (name == "limit") {
            if (!once(seen_limit, name))
                return out;
            if (!parse_number(std::string_view(value), q.limit) || q.limit < 1 ||
                q.limit > max_page_limit) {
                out.error =
                    "limit must be a whole number from 1 to " + std::to_string(max_page_limit);
                return out;
            }
        } else if (name == "cursor") {
            if (!once(seen_cursor, name))
                return out;
            q.cursor = value;
        } else if (name == "nodes") {
            if (!once(seen_nodes, name))
                return out;
            if (value != "0" && value != "1" && value != "true" && value != "false") {
                out.error = "nodes must be 0 or 1";
                return out;
            }
            q.nodes = value == "1" || value == "true";
        }
        // Other parameters are ignored, as the whole document always ignored them.
    }
    out.query = std::move(q);
    return out;
}

bool passes(const fleet_index::entry& e, const fleet_query& q) {
    if (!q.states.empty() && std::find(q.states.begin(), q.states.end(), e.state) == q.states.end())
        return false;
    if (!matches(e.row.labels, q.labels))
        return false;
    return q.text.empty() || contains_folded(e.row.name, q.text) ||
           contains_folded(e.row.instance_no, q.text);
}

std::optional<fleet_page> run_query(const fleet_index& index, const fleet_query& q) {
    std::optional<decoded_cursor> after;
    if (!q.cursor.empty()) {
        after = decode_cursor(q.cursor, q.sort);
        if (!after)
            return std::nullopt;
    }
    fleet_page page;
    std::vector<std::pair<sort_key, const fleet_index::entry*>> candidates;
    for (const fleet_index::entry& e : index.entries()) {
        if (!passes(e, q))
            continue;
        ++page.total;
        const sort_key k = key_of(e, q.sort);
        if (after && !(sort_key{after->rank, after->t, after->name} < k))
            continue;
        candidates.emplace_back(k, &e);
    }
    const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
    const std::size_t wanted = std::min(candidates.size(), q.limit + 1);
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(wanted),
                      candidates.end(), by_key);
    candidates.resize(wanted);
    if (candidates.size() > q.limit) {
        candidates.resize(q.limit);
        page.next_cursor = encode_cursor(candidates.back().first, q.sort);
    }
    page.items.reserve(candidates.size());
    for (const auto& [k, e] : candidates)
        page.items.push_back(e);
    return page;
}

std::string page_etag(const fleet_page& page, const fleet_query& q, std::string_view extra) {
    fnv h;
    h.add(to_string(q.sort));
    for (const fleet_state s : q.states)
        h.add(to_string(s));
    for (const label_selector& l : q.labels)
        h.add(l.key + ":" + l.value);
    h.add(q.text);
    h.add(q.limit);
    h.add(q.cursor);
    h.add(q.nodes ? "nodes" : "-");
    h.add(page.total);
    h.add(page.next_cursor);
    for (const fleet_index::entry* e : page.items) {
        h.add(e->row.name);
        h.add(e->revision);
    }
    h.add(extra);
    return h.etag();
}

std::string weak_etag(std::string_view signature) {
    fnv h;
    h.add(signature);
    return h.etag();
}

}  // namespace sesmon::web
