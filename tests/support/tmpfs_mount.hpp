#pragma once
// tmpfs_mount: a small tmpfs of the test's own at `dir`, for disks that fill up or turn
// read-only on demand — what SQLite and the kernel really do, beside the fault seam
// (state/fault_vfs.hpp). Needs CAP_SYS_ADMIN: CI runs as root, and there these tests must
// run, never skip (required() is true: a failed mount is a failure). Elsewhere mounted() is
// false and the test skips with why(). Unmounted (lazily) on destruction. Header-only.
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace sesmon::test {

class tmpfs_mount {
  public:
    tmpfs_mount(const std::filesystem::path& dir, const std::string& size) : dir_(dir) {
        std::filesystem::create_directories(dir);
        const std::string options = "size=" + size + ",mode=0700";
        if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0) {
            mounted_ = true;
        } else {
            why_ = std::string("cannot mount a tmpfs here: ") + std::strerror(errno);
        }
    }
    ~tmpfs_mount() {
        if (mounted_)
            ::umount2(dir_.c_str(), MNT_DETACH);
    }
    tmpfs_mount(const tmpfs_mount&) = delete;
    tmpfs_mount& operator=(const tmpfs_mount&) = delete;

    bool mounted() const { return mounted_; }
    const std::string& why() const { return why_; }
    // As root the mount must work (CI): a test then fails instead of skipping.
    static bool required() { return ::geteuid() == 0; }

    // Remounts read-only or read-write, or with another size ("16m"). True on success.
    bool read_only(bool ro) const { return remount(ro ? MS_RDONLY : 0, ""); }
    bool resize(const std::string& size) const { return remount(0, "size=" + size); }

  private:
    bool remount(unsigned long flags, const std::string& options) const {
        return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | flags,
                       options.empty() ? nullptr : options.c_str()) == 0;
    }

    std::filesystem::path dir_;
    bool mounted_ = false;
    std::string why_;
};

}  // namespace sesmon::test
