#include "config/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <system_error>

#include "common/text.hpp"

namespace sesmon::config_file {
namespace {

constexpr off_t max_secret_size = 64 * 1024;

class file_descriptor {
  public:
    explicit file_descriptor(int fd) : fd_(fd) {}
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    ~file_descriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

std::string errno_text(int code) {
    return std::error_code(code, std::generic_category()).message();
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

secret_file_result failure(std::string problem) {
    secret_file_result result;
    result.problem = std::move(problem);
    return result;
}

}  // namespace

secret_file_result read_secret_file(const std::string& path, secret_file_rule rule) {
    const file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) {
        const int code = errno;
        secret_file_result result = failure("cannot open " + path + ": " + errno_text(code));
        result.not_found = code == ENOENT;
        return result;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        return failure("cannot stat " + path + ": " + errno_text(errno));
    }
    if (!S_ISREG(info.st_mode)) {
        return failure(path + " is not a regular file");
    }
    const mode_t refused =
        rule == secret_file_rule::owner_only ? (S_IRGRP | S_IROTH) : mode_t{S_IROTH};
    if ((info.st_mode & refused) != 0) {
        const char* who = rule == secret_file_rule::owner_only ? "group or others" : "others";
        return failure(path + " is readable by " + who + " (mode " + octal_mode(info.st_mode) +
                       "): chmod 600 it");
    }
    if (info.st_size > max_secret_size) {
        return failure(path + " is larger than 64 KiB");
    }
    std::string content;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return failure("cannot read " + path + ": " + errno_text(errno));
        }
        if (n == 0) {
            break;
        }
        content.append(buffer, static_cast<std::size_t>(n));
        if (content.size() > static_cast<std::size_t>(max_secret_size)) {
            return failure(path + " is larger than 64 KiB");
        }
    }
    secret_file_result result;
    result.value = std::string(common::trim(content));
    if (result.value.empty()) {
        return failure(path + " is empty");
    }
    return result;
}

}  // namespace sesmon::config_file
