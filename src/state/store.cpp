#include "state/store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/atomic_file.hpp"
#include "common/crypto.hpp"
#include "monitor/cluster_state_json.hpp"

namespace sesmon::state {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t max_state_file_bytes = 16 * 1024 * 1024;
constexpr std::string_view temp_marker = ".json.tmp.";  // write_file_atomically's temp names

bool plain_name(const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '_' || c == '-';
    });
}

// Creates `dir` with mode 0700 unless it exists (an existing directory keeps its mode:
// systemd's StateDirectory= manages that one).
void ensure_directory(const fs::path& dir) {
    std::error_code ec;
    if (fs::create_directories(dir, ec)) {
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    if (ec || !fs::is_directory(dir)) {
        throw std::system_error(ec ? ec : std::make_error_code(std::errc::not_a_directory),
                                "state directory " + dir.string());
    }
}

// Reads a whole file; nullopt with `error` set when it cannot.
std::optional<std::string> read_file(const fs::path& file, std::string& error) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        error = "not a regular file";
        return std::nullopt;
    }
    const auto size = fs::file_size(file, ec);
    if (ec || size > max_state_file_bytes) {
        error = ec ? ec.message() : "larger than 16 MiB";
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in.good() && !in.eof()) {
        error = "read failed";
        return std::nullopt;
    }
    return std::move(content).str();
}

}  // namespace

store::store(fs::path directory, std::shared_ptr<spdlog::logger> log, const clock& clk)
    : clusters_dir_(directory / "clusters"), log_(std::move(log)), clock_(clk) {
    ensure_directory(directory);
    ensure_directory(clusters_dir_);
    std::error_code ec;
    int removed = 0;
    for (const auto& entry : fs::directory_iterator(clusters_dir_, ec)) {
        if (entry.path().filename().string().find(temp_marker) == std::string::npos)
            continue;
        if (fs::remove(entry.path(), ec))
            ++removed;
    }
    if (removed > 0) {
        log_->info("state: removed {} temp file(s) left by an interrupted write in {}", removed,
                   clusters_dir_.string());
    }
}

fs::path store::file_of(const std::string& instance_no) const {
    const std::string stem = plain_name(instance_no)
                                 ? instance_no
                                 : "h-" + common::to_hex(common::sha256(instance_no)).substr(0, 32);
    return clusters_dir_ / (stem + ".json");
}

monitor::cluster_state store::load(const std::string& instance_no) {
    const fs::path file = file_of(instance_no);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(file, ec)))
        return {};

    std::string error;
    const auto text = read_file(file, error);
    if (!text) {
        move_aside(file, "unreadable: " + error);
        return {};
    }
    auto parsed = monitor::cluster_state_from_json(*text, error);
    if (!parsed) {
        move_aside(file, error);
        return {};
    }
    if (parsed->instance_no != instance_no) {
        move_aside(file, "written for instance_no " + parsed->instance_no);
        return {};
    }
    return std::move(parsed->state);
}

void store::move_aside(const fs::path& file, const std::string& reason) {
    const auto unix_seconds = clock_.wall_now().time_since_epoch().count();
    fs::path aside = file;
    aside += ".corrupt-" + std::to_string(unix_seconds);
    std::error_code ec;
    for (int n = 1; fs::exists(fs::symlink_status(aside, ec)); ++n) {
        aside = file;
        aside += ".corrupt-" + std::to_string(unix_seconds) + "-" + std::to_string(n);
    }
    fs::rename(file, aside, ec);
    if (ec) {
        log_->warn("state: {} is corrupt ({}); could not move it aside ({}); starting fresh",
                   file.string(), reason, ec.message());
        return;
    }
    log_->warn("state: {} is corrupt ({}); moved to {}; starting fresh", file.string(), reason,
               aside.filename().string());
}

bool store::save(const std::string& instance_no, const monitor::cluster_state& state) {
    const fs::path file = file_of(instance_no);
    const std::error_code ec =
        common::write_file_atomically(file, monitor::to_json(state, instance_no), 0600);
    if (ec) {
        log_->error("state: could not write {}: {}", file.string(), ec.message());
        return false;
    }
    return true;
}

void store::mark_dirty(const std::string& instance_no, const monitor::cluster_state& state) {
    dirty_.insert_or_assign(instance_no, state);
}

void store::discard(const std::string& instance_no) {
    dirty_.erase(instance_no);
}

std::size_t store::flush() {
    std::size_t written = 0;
    std::size_t failed = 0;
    std::string first_failure;
    for (auto it = dirty_.begin(); it != dirty_.end();) {
        const fs::path file = file_of(it->first);
        const std::error_code ec =
            common::write_file_atomically(file, monitor::to_json(it->second, it->first), 0600);
        if (ec) {
            if (failed++ == 0)
                first_failure = file.string() + ": " + ec.message();
            ++it;
            continue;
        }
        ++written;
        it = dirty_.erase(it);
    }
    if (failed > 0) {
        log_->error("state: could not write {} cluster file(s), will retry (first: {})", failed,
                    first_failure);
    }
    return written;
}

}  // namespace sesmon::state
