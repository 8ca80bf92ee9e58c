#include "notify/outbox.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/json_writer.hpp"
#include "common/time_format.hpp"
#include "notify/format_generic.hpp"

namespace sesmon::notify {

namespace json = common::json;

namespace fs = std::filesystem;

std::string file_name_for(std::string_view notifier) {
    std::string out;
    for (char c : notifier) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        out += safe ? c : '_';
    }
    if (out.empty() || out.front() == '.') {
        out.insert(out.begin(), '_');
    }
    return out;
}

namespace {

constexpr std::size_t sequence_digits = 20;

// The sequence number of an outbox file name, nullopt for anything else (temp files, ...).
std::optional<std::uint64_t> sequence_of(const std::string& name) {
    if (name.size() < sequence_digits + 6 || name[sequence_digits] != '-' ||
        !name.ends_with(".json")) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + sequence_digits, value);
    if (ec != std::errc{} || end != name.data() + sequence_digits) {
        return std::nullopt;
    }
    return value;
}

std::string entry_name(std::uint64_t sequence, std::string_view id) {
    char digits[sequence_digits + 1];
    std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(sequence));
    return std::string(digits) + "-" + file_name_for(id.substr(0, 16)) + ".json";
}

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

std::error_code ensure_directory(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec) {
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    return ec;
}

}  // namespace

outbox::outbox(const fs::path& state_dir, std::string_view notifier,
               std::shared_ptr<spdlog::logger> logger)
    : directory_(state_dir / "outbox" / file_name_for(notifier)), logger_(std::move(logger)) {}

std::vector<outbox_entry> outbox::load() {
    std::vector<outbox_entry> entries;
    std::error_code ec;
    if (!fs::exists(directory_, ec)) {
        return entries;
    }
    std::vector<std::pair<std::uint64_t, fs::path>> files;
    for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (auto sequence = sequence_of(name)) {
            files.emplace_back(*sequence, it->path());
        } else if (name.find(".tmp.") != std::string::npos) {
            std::error_code ignored;
            fs::remove(it->path(), ignored);  // an interrupted write: never acknowledged
        }
    }
    if (ec) {
        logger_->error("outbox {}: cannot list: {}", directory_.string(), ec.message());
    }
    std::sort(files.begin(), files.end());
    for (auto& [sequence, path] : files) {
        next_sequence_ = std::max(next_sequence_, sequence + 1);
        auto content = read_file(path);
        auto e = content ? parse_generic(*content) : std::nullopt;
        if (!e) {
            std::error_code rename_ec;
            fs::rename(path, fs::path(path.string() + ".corrupt"), rename_ec);
            logger_->warn("outbox {}: unreadable entry {} moved aside as .corrupt",
                          directory_.string(), path.filename().string());
            continue;
        }
        entries.push_back({sequence, path, std::move(*e)});
    }
    return entries;
}

outbox_entry outbox::put(const event& e, std::error_code& ec) {
    outbox_entry entry{next_sequence_++, {}, e};
    ec = {};
    if (!directory_ready_) {
        ec = ensure_directory(directory_);
        directory_ready_ = !ec;
    }
    if (!ec) {
        fs::path path = directory_ / entry_name(entry.sequence, e.id);
        ec = common::write_file_atomically(path, format_generic(e), 0600);
        if (!ec) {
            entry.file = std::move(path);
        }
    }
    return entry;
}

void outbox::remove(const outbox_entry& entry) {
    if (entry.file.empty()) {
        return;
    }
    std::error_code ec;
    fs::remove(entry.file, ec);
    if (ec) {
        logger_->error("outbox {}: cannot remove delivered entry {}: {}", directory_.string(),
                       entry.file.filename().string(), ec.message());
    }
}

std::error_code append_dead_letter(const fs::path& state_dir, std::string_view notifier,
                                   const event& e, std::string_view reason, wall_time now) {
    const fs::path dir = state_dir / "dead-letter";
    if (auto ec = ensure_directory(dir)) {
        return ec;
    }
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "time", common::format_rfc3339_utc(now));
    json::put(w, "notifier", notifier);
    json::put(w, "reason", reason);
    json::key(w, "event");
    const std::string body = format_generic(e);
    w.RawValue(body.data(), body.size(), rapidjson::kObjectType);
    w.EndObject();
    std::string line = json::text(buffer) + "\n";

    const fs::path file = dir / (file_name_for(notifier) + ".jsonl");
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return {errno, std::generic_category()};
    }
    std::error_code ec;
    std::string_view rest = line;
    while (!rest.empty()) {
        const ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            ec = {errno, std::generic_category()};
            break;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (!ec && ::fsync(fd) != 0) {
        ec = {errno, std::generic_category()};
    }
    ::close(fd);
    return ec;
}

}  // namespace sesmon::notify
