#include "common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace sesmon::common {
namespace {

std::error_code last_error() {
    return {errno, std::generic_category()};
}

std::error_code write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        const ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return last_error();
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

std::error_code fsync_directory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return last_error();
    const std::error_code ec = ::fsync(fd) == 0 ? std::error_code{} : last_error();
    ::close(fd);
    return ec;
}

}  // namespace

std::error_code write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                      unsigned mode) {
    std::string temp = path.string() + ".tmp.XXXXXX";
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0)
        return last_error();
    std::error_code ec = write_all(fd, content);
    if (!ec && ::fchmod(fd, mode) != 0)
        ec = last_error();
    if (!ec && ::fsync(fd) != 0)
        ec = last_error();
    if (::close(fd) != 0 && !ec)
        ec = last_error();
    if (!ec && ::rename(temp.c_str(), path.c_str()) != 0)
        ec = last_error();
    if (ec) {
        ::unlink(temp.c_str());
        return ec;
    }
    return fsync_directory(path.parent_path());
}

}  // namespace sesmon::common
