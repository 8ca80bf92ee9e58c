#include "state/disk_faults.hpp"

#include <charconv>
#include <fstream>
#include <iterator>

namespace sesmon::state {
namespace {

constexpr auto reread_after = std::chrono::milliseconds(20);

std::string_view trim(std::string_view s) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
        s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<disk_fault_setting> parse_disk_fault(std::string_view text) {
    text = trim(text);
    if (text.empty() || text == "ok")
        return disk_fault_setting{};
    if (text == "read-only")
        return disk_fault_setting{disk_fault::read_only, {}};
    if (text == "full")
        return disk_fault_setting{disk_fault::full, {}};
    if (text == "io-error")
        return disk_fault_setting{disk_fault::io_error, {}};
    if (text == "hung")
        return disk_fault_setting{disk_fault::hung, {}};
    if (text.starts_with("slow ")) {
        const std::string_view number = trim(text.substr(5));
        long ms = 0;
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), ms);
        if (ec == std::errc() && end == number.data() + number.size() && ms >= 0)
            return disk_fault_setting{disk_fault::slow, std::chrono::milliseconds(ms)};
    }
    return std::nullopt;
}

std::string to_string(const disk_fault_setting& s) {
    switch (s.mode) {
        case disk_fault::none:
            return "ok";
        case disk_fault::read_only:
            return "read-only";
        case disk_fault::full:
            return "full";
        case disk_fault::io_error:
            return "io-error";
        case disk_fault::slow:
            return "slow " + std::to_string(s.sync_delay.count());
        case disk_fault::hung:
            return "hung";
    }
    return "ok";
}

disk_faults::disk_faults(std::filesystem::path control_file)
    : control_file_(std::move(control_file)) {}

void disk_faults::set(disk_fault_setting s) {
    {
        std::lock_guard lock(mutex_);
        if (control_file_)
            return;
        setting_ = s;
    }
    changed_.notify_all();
}

disk_fault_setting disk_faults::read_locked() {
    if (!control_file_)
        return setting_;
    const auto now = std::chrono::steady_clock::now();
    if (now - read_at_ < reread_after)
        return setting_;
    read_at_ = now;
    std::ifstream in(*control_file_);
    const std::string text = in ? std::string(std::istreambuf_iterator<char>(in), {}) : "";
    if (auto parsed = parse_disk_fault(text)) {
        setting_ = *parsed;
        problem_.clear();
    } else {
        setting_ = {};
        problem_ = control_file_->string() + ": not a disk fault: \"" +
                   std::string(trim(text).substr(0, 40)) + "\"";
    }
    return setting_;
}

disk_fault_setting disk_faults::current() {
    std::lock_guard lock(mutex_);
    return read_locked();
}

disk_fault_setting disk_faults::wait_while_hung() {
    std::unique_lock lock(mutex_);
    disk_fault_setting s = read_locked();
    if (s.mode != disk_fault::hung)
        return s;
    ++blocked_;
    while ((s = read_locked()).mode == disk_fault::hung)
        changed_.wait_for(lock, reread_after);
    --blocked_;
    return s;
}

std::size_t disk_faults::blocked() {
    std::lock_guard lock(mutex_);
    return blocked_;
}

std::string disk_faults::problem() {
    std::lock_guard lock(mutex_);
    read_locked();
    return problem_;
}

}  // namespace sesmon::state
