#include "discovery/known_file.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/json_writer.hpp"

namespace sesmon::discovery {

namespace {

constexpr std::string_view format_name = "ses-upgrade-monitor/discovered-v1";
constexpr std::size_t max_file_bytes = 64 * 1024 * 1024;

const char* string_member(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : nullptr;
}

}  // namespace

std::string known_text(const known_set& set) {
    rapidjson::StringBuffer buffer;
    common::json::writer w(buffer);
    w.StartObject();
    common::json::put(w, "format", format_name);
    common::json::key(w, "clusters");
    w.StartArray();
    for (const known_cluster& k : set) {
        w.StartObject();
        common::json::put(w, "instance_no", k.instance_no);
        common::json::put(w, "region", k.region);
        common::json::put(w, "cluster_name", k.listed_name);
        common::json::put(w, "name", k.name);
        common::json::key(w, "misses");
        w.Int(k.misses);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return common::json::text(buffer);
}

std::optional<known_set> parse_known_text(std::string_view text, std::string& problem) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        problem = "not a JSON object";
        return std::nullopt;
    }
    const char* format = string_member(doc, "format");
    if (format == nullptr || format != format_name) {
        problem = "not a " + std::string(format_name) + " file";
        return std::nullopt;
    }
    const auto clusters = doc.FindMember("clusters");
    if (clusters == doc.MemberEnd() || !clusters->value.IsArray()) {
        problem = "no \"clusters\" list";
        return std::nullopt;
    }
    known_set out;
    std::set<std::string> seen;
    for (const auto& item : clusters->value.GetArray()) {
        const char* no = item.IsObject() ? string_member(item, "instance_no") : nullptr;
        const char* region = no ? string_member(item, "region") : nullptr;
        const char* listed = region ? string_member(item, "cluster_name") : nullptr;
        const char* name = listed ? string_member(item, "name") : nullptr;
        const auto misses = name ? item.FindMember("misses") : item.MemberEnd();
        if (name == nullptr || misses == item.MemberEnd() || !misses->value.IsInt() ||
            misses->value.GetInt() < 0 || !seen.insert(no).second) {
            problem = "a malformed or repeated cluster entry";
            return std::nullopt;
        }
        out.push_back({no, region, listed, name, misses->value.GetInt()});
    }
    std::sort(out.begin(), out.end(), [](const known_cluster& a, const known_cluster& b) {
        return instance_less(a.instance_no, b.instance_no);
    });
    return out;
}

known_file::known_file(std::filesystem::path path, std::shared_ptr<spdlog::logger> logger,
                       const sesmon::clock& clk)
    : path_(std::move(path)), logger_(std::move(logger)), clock_(clk) {
    writer_ = std::thread([this] { run(); });
}

known_file::~known_file() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    writer_.join();
}

known_set known_file::load() {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec))
        return {};
    std::string problem;
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || text.str().size() > max_file_bytes) {
        problem = "cannot be read";
    } else if (auto set = parse_known_text(text.str(), problem)) {
        return std::move(*set);
    }
    const auto aside =
        path_.string() + ".corrupt-" + std::to_string(clock_.wall_now().time_since_epoch().count());
    std::filesystem::rename(path_, aside, ec);
    logger_->warn(
        "discovery: {} {}: moved it to {}{}; discovered clusters are found again by "
        "the next listing",
        path_.string(), problem, aside, ec ? " (failed: " + ec.message() + ")" : "");
    return {};
}

void known_file::save(known_set set) {
    {
        std::lock_guard lock(mutex_);
        pending_ = std::move(set);
    }
    wake_.notify_one();
}

void known_file::flush() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return !pending_ && !writing_; });
}

void known_file::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return pending_ || stopping_; });
        if (!pending_)
            return;  // stopping, nothing left to write
        known_set set = std::move(*pending_);
        pending_.reset();
        writing_ = true;
        lock.unlock();
        write(set);
        lock.lock();
        writing_ = false;
        idle_.notify_all();
    }
}

void known_file::write(const known_set& set) {
    if (const auto ec = common::write_file_atomically(path_, known_text(set))) {
        if (!failing_) {
            logger_->error(
                "discovery: cannot save the discovered clusters to {}: {} (retried "
                "with the next change)",
                path_.string(), ec.message());
        }
        failing_ = true;
        return;
    }
    if (failing_)
        logger_->info("discovery: saved the discovered clusters to {} again", path_.string());
    failing_ = false;
}

}  // namespace sesmon::discovery
