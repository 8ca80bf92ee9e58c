#include "sim/fault.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "common/time_format.hpp"
#include "sim/sim_time.hpp"

namespace sesmon::sim {
namespace {

constexpr std::array<std::pair<fault_type, std::string_view>, 10> fault_names{{
    {fault_type::rate_limit, "rate_limit"},
    {fault_type::gateway_error, "gateway_error"},
    {fault_type::service_error, "service_error"},
    {fault_type::timeout, "timeout"},
    {fault_type::reset, "reset"},
    {fault_type::truncate, "truncate"},
    {fault_type::invalid_json, "invalid_json"},
    {fault_type::slow, "slow"},
    {fault_type::oversize, "oversize"},
    {fault_type::wrong_content_type, "wrong_content_type"},
}};

template <class T>
std::optional<T> parse_number(std::string_view text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

}  // namespace

std::optional<fault_type> parse_fault_type(std::string_view text) {
    for (const auto& [type, name] : fault_names) {
        if (name == text)
            return type;
    }
    return std::nullopt;
}

std::string_view to_string(fault_type type) {
    for (const auto& [t, name] : fault_names) {
        if (t == type)
            return name;
    }
    return "?";
}

std::string set_fault_field(fault_spec& spec, std::string_view key, std::string_view value,
                            wall_time start, wall_time now) {
    const std::string v(value);
    if (key == "kind") {
        auto type = parse_fault_type(value);
        if (!type)
            return "unknown fault kind \"" + v + "\"";
        spec.type = *type;
    } else if (key == "rate") {
        auto rate = parse_number<double>(value);
        if (!rate || *rate < 0 || *rate > 1)
            return "rate must be a number in [0, 1]";
        spec.rate = *rate;
    } else if (key == "from" || key == "until") {
        auto t = parse_time_spec(value, start);
        if (!t)
            return "bad time \"" + v + "\" (use +90s, 2025-03-24 17:09:41 or RFC 3339)";
        (key == "from" ? spec.from : spec.until) = *t;
    } else if (key == "seconds") {
        auto seconds = parse_number<long long>(value);
        if (!seconds || *seconds <= 0)
            return "seconds must be a positive integer";
        spec.from = now;
        spec.until = now + std::chrono::seconds(*seconds);
    } else if (key == "route") {
        if (value == "any")
            spec.route = route_kind::any;
        else if (value == "progress")
            spec.route = route_kind::progress;
        else if (value == "info")
            spec.route = route_kind::cluster_info;
        else if (value == "list")
            spec.route = route_kind::cluster_list;
        else if (value == "nodes")
            spec.route = route_kind::node_list;
        else if (value == "versions")
            spec.route = route_kind::version_list;
        else if (value == "precheck")
            spec.route = route_kind::precheck;
        else
            return "route must be any, progress, info, list, nodes, versions or precheck";
    } else if (key == "cluster") {
        spec.cluster = v;
    } else if (key == "page") {
        auto page = parse_number<std::size_t>(value);
        if (!page || *page == 0)
            return "page must be a positive integer";
        spec.page = *page;
    } else if (key == "status") {
        auto status = parse_number<int>(value);
        if (!status || *status < 100 || *status > 599)
            return "status must be an HTTP status";
        spec.http_status = *status;
    } else if (key == "error_code") {
        spec.error_code = v;
    } else if (key == "retry_after") {
        auto seconds = parse_number<int>(value);
        if (!seconds || *seconds < 0)
            return "retry_after must be a non-negative integer";
        spec.retry_after = *seconds;
    } else if (key == "code") {
        auto code = parse_number<int>(value);
        if (!code || *code == 0)
            return "code must be a non-zero integer";
        spec.service_code = *code;
    } else if (key == "message") {
        spec.message = v;
    } else if (key == "chunk_delay") {
        auto d = common::parse_duration(value);
        if (!d)
            return "chunk_delay must be a duration like 200ms";
        spec.slow_chunk_delay = *d;
    } else if (key == "count") {
        auto count = parse_number<std::uint64_t>(value);
        if (!count || *count == 0)
            return "count must be a positive integer";
        spec.count = *count;
    } else {
        return "unknown fault key \"" + std::string(key) + "\"";
    }
    return {};
}

fault_engine::fault_engine(std::uint64_t seed, std::vector<fault_spec> global)
    : rng_(seed), global_(std::move(global)) {}

void fault_engine::add_runtime(fault_spec spec) {
    runtime_.push_back(std::move(spec));
}

void fault_engine::clear_runtime() {
    runtime_.clear();
}

bool fault_engine::matches(const fault_spec& f, route_kind route, const std::string& instance_no,
                           wall_time now, std::optional<std::size_t> page) {
    if (f.route != route_kind::any && f.route != route)
        return false;
    if (!f.cluster.empty() && f.cluster != instance_no)
        return false;
    if (f.page && f.page != page)
        return false;
    if (f.from && now < *f.from)
        return false;
    if (f.until && now >= *f.until)
        return false;
    if (f.rate >= 1.0)
        return true;
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < f.rate;
}

std::optional<fault_spec> fault_engine::pick(route_kind route, const std::string& instance_no,
                                             wall_time now,
                                             const std::vector<fault_spec>* cluster_faults,
                                             std::optional<std::size_t> page) {
    for (auto it = runtime_.begin(); it != runtime_.end(); ++it) {
        if (!matches(*it, route, instance_no, now, page))
            continue;
        fault_spec chosen = *it;
        if (it->count && --*it->count == 0)
            runtime_.erase(it);
        return chosen;
    }
    if (cluster_faults) {
        for (const auto& f : *cluster_faults) {
            if (matches(f, route, instance_no, now, page))
                return f;
        }
    }
    for (const auto& f : global_) {
        if (matches(f, route, instance_no, now, page))
            return f;
    }
    return std::nullopt;
}

}  // namespace sesmon::sim
