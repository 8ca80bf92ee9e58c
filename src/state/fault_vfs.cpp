#include "state/fault_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

namespace sesmon::state {

struct fault_vfs::impl {
    std::shared_ptr<disk_faults> faults;
    sqlite3_vfs* real = nullptr;
    std::string name;
    sqlite3_vfs vfs{};
};

namespace {

using shim = fault_vfs::impl;

shim& shim_of(sqlite3_vfs* vfs) {
    return *static_cast<shim*>(vfs->pAppData);
}

sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) {
    return shim_of(vfs).real;
}

// Our file; the default VFS's file follows it in the same allocation (szOsFile is the sum).
struct shim_file {
    sqlite3_file base;
    disk_faults* faults;  // null: no fault applies (temporary files)
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(shim_file) % alignof(sqlite3_int64) == 0,
              "the real file that follows must stay aligned");

shim_file& file_of(sqlite3_file* f) {
    return *reinterpret_cast<shim_file*>(f);
}

sqlite3_file* real_of(sqlite3_file* f) {
    return file_of(f).real();
}

const sqlite3_io_methods& io_of(sqlite3_file* f) {
    return *real_of(f)->pMethods;
}

// What a write meets now: SQLITE_OK to go ahead, or the error the disk would give.
int write_fault(disk_faults* faults) {
    if (faults == nullptr)
        return SQLITE_OK;
    switch (faults->wait_while_hung().mode) {
        case disk_fault::read_only:
        case disk_fault::io_error:
            return SQLITE_IOERR_WRITE;
        case disk_fault::full:
            return SQLITE_FULL;
        default:
            return SQLITE_OK;
    }
}

int sync_fault(disk_faults* faults) {
    if (faults == nullptr)
        return SQLITE_OK;
    const disk_fault_setting s = faults->wait_while_hung();
    if (s.mode == disk_fault::io_error)
        return SQLITE_IOERR_FSYNC;
    if (s.mode == disk_fault::slow)
        std::this_thread::sleep_for(s.sync_delay);
    return SQLITE_OK;
}

// ---- the file's methods: the fault, then the default VFS's method ----

int x_close(sqlite3_file* f) {
    sqlite3_file* real = real_of(f);
    const int rc = real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
    f->pMethods = nullptr;
    return rc;
}
int x_read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
    return io_of(f).xRead(real_of(f), out, amount, offset);
}
int x_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    if (const int rc = write_fault(file_of(f).faults))
        return rc;
    return io_of(f).xWrite(real_of(f), data, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    if (const int rc = write_fault(file_of(f).faults); rc != SQLITE_OK && rc != SQLITE_FULL)
        return SQLITE_IOERR_TRUNCATE;  // shrinking a file works on a full disk
    return io_of(f).xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
    if (const int rc = sync_fault(file_of(f).faults))
        return rc;
    return io_of(f).xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
    return io_of(f).xFileSize(real_of(f), size);
}
int x_lock(sqlite3_file* f, int level) {
    return io_of(f).xLock(real_of(f), level);
}
int x_unlock(sqlite3_file* f, int level) {
    return io_of(f).xUnlock(real_of(f), level);
}
int x_check_reserved_lock(sqlite3_file* f, int* out) {
    return io_of(f).xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
    return io_of(f).xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) {
    return io_of(f).xSectorSize(real_of(f));
}
int x_device_characteristics(sqlite3_file* f) {
    return io_of(f).xDeviceCharacteristics(real_of(f));
}
int x_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
    return io_of(f).xShmMap(real_of(f), page, page_size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return io_of(f).xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
    io_of(f).xShmBarrier(real_of(f));
}
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
    return io_of(f).xShmUnmap(real_of(f), delete_flag);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    return io_of(f).xFetch(real_of(f), offset, amount, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    return io_of(f).xUnfetch(real_of(f), offset, p);
}

// One table per version: ours never claims a method the default VFS's file lacks.
constexpr sqlite3_io_methods methods_of_version(int version) {
    return {version,
            x_close,
            x_read,
            x_write,
            x_truncate,
            x_sync,
            x_file_size,
            x_lock,
            x_unlock,
            x_check_reserved_lock,
            x_file_control,
            x_sector_size,
            x_device_characteristics,
            version >= 2 ? x_shm_map : nullptr,
            version >= 2 ? x_shm_lock : nullptr,
            version >= 2 ? x_shm_barrier : nullptr,
            version >= 2 ? x_shm_unmap : nullptr,
            version >= 3 ? x_fetch : nullptr,
            version >= 3 ? x_unfetch : nullptr};
}
constexpr sqlite3_io_methods methods[] = {methods_of_version(1), methods_of_version(2),
                                          methods_of_version(3)};

// ---- the VFS's methods ----

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    shim& self = shim_of(vfs);
    shim_file& file = file_of(f);
    file.base.pMethods = nullptr;
    const bool ours =
        name != nullptr &&
        (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL)) != 0;
    file.faults = ours ? self.faults.get() : nullptr;
    if (ours && (flags & SQLITE_OPEN_READWRITE) != 0 &&
        self.faults->current().mode == disk_fault::read_only) {
        // What the default VFS does itself when open(O_RDWR) fails with EROFS.
        int exists = 0;
        if (self.real->xAccess(self.real, name, SQLITE_ACCESS_EXISTS, &exists) != SQLITE_OK ||
            exists == 0)
            return SQLITE_CANTOPEN;
        flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
    }
    sqlite3_file* real = file.real();
    real->pMethods = nullptr;
    const int rc = self.real->xOpen(self.real, name, real, flags, out_flags);
    // SQLite calls xClose whenever pMethods is set, even after a failed open: mirror it.
    if (real->pMethods != nullptr)
        file.base.pMethods = &methods[std::clamp(real->pMethods->iVersion, 1, 3) - 1];
    return rc;
}

int x_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    shim& self = shim_of(vfs);
    const disk_fault mode = self.faults->wait_while_hung().mode;
    if (mode == disk_fault::read_only || mode == disk_fault::io_error)
        return SQLITE_IOERR_DELETE;
    return self.real->xDelete(self.real, name, sync_dir);
}

int x_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    shim& self = shim_of(vfs);
    if (flags == SQLITE_ACCESS_READWRITE && self.faults->current().mode == disk_fault::read_only) {
        *out = 0;
        return SQLITE_OK;
    }
    return self.real->xAccess(self.real, name, flags, out);
}

int x_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
    return real_vfs(vfs)->xFullPathname(real_vfs(vfs), name, size, out);
}
void* x_dl_open(sqlite3_vfs* vfs, const char* name) {
    return real_vfs(vfs)->xDlOpen(real_vfs(vfs), name);
}
void x_dl_error(sqlite3_vfs* vfs, int size, char* out) {
    real_vfs(vfs)->xDlError(real_vfs(vfs), size, out);
}
void (*x_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
    return real_vfs(vfs)->xDlSym(real_vfs(vfs), handle, symbol);
}
void x_dl_close(sqlite3_vfs* vfs, void* handle) {
    real_vfs(vfs)->xDlClose(real_vfs(vfs), handle);
}
int x_randomness(sqlite3_vfs* vfs, int size, char* out) {
    return real_vfs(vfs)->xRandomness(real_vfs(vfs), size, out);
}
int x_sleep(sqlite3_vfs* vfs, int microseconds) {
    return real_vfs(vfs)->xSleep(real_vfs(vfs), microseconds);
}
int x_current_time(sqlite3_vfs* vfs, double* out) {
    return real_vfs(vfs)->xCurrentTime(real_vfs(vfs), out);
}
int x_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
    return real_vfs(vfs)->xGetLastError(real_vfs(vfs), size, out);
}
int x_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    return real_vfs(vfs)->xCurrentTimeInt64(real_vfs(vfs), out);
}
int x_set_system_call(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr call) {
    return real_vfs(vfs)->xSetSystemCall(real_vfs(vfs), name, call);
}
sqlite3_syscall_ptr x_get_system_call(sqlite3_vfs* vfs, const char* name) {
    return real_vfs(vfs)->xGetSystemCall(real_vfs(vfs), name);
}
const char* x_next_system_call(sqlite3_vfs* vfs, const char* name) {
    return real_vfs(vfs)->xNextSystemCall(real_vfs(vfs), name);
}

}  // namespace

fault_vfs::fault_vfs(std::shared_ptr<disk_faults> faults) : impl_(std::make_unique<impl>()) {
    impl_->faults = std::move(faults);
    impl_->real = sqlite3_vfs_find(nullptr);
    if (impl_->real == nullptr || !impl_->faults)
        throw std::invalid_argument("fault_vfs: no default SQLite VFS, or no disk_faults");
    impl_->name = "sesmon-faults-" + std::to_string(reinterpret_cast<std::uintptr_t>(impl_.get()));
    const sqlite3_vfs& real = *impl_->real;
    sqlite3_vfs& v = impl_->vfs;
    v.iVersion = std::min(real.iVersion, 3);
    v.szOsFile = static_cast<int>(sizeof(shim_file)) + real.szOsFile;
    v.mxPathname = real.mxPathname;
    v.zName = impl_->name.c_str();
    v.pAppData = impl_.get();
    v.xOpen = x_open;
    v.xDelete = x_delete;
    v.xAccess = x_access;
    v.xFullPathname = x_full_pathname;
    v.xDlOpen = x_dl_open;
    v.xDlError = x_dl_error;
    v.xDlSym = x_dl_sym;
    v.xDlClose = x_dl_close;
    v.xRandomness = x_randomness;
    v.xSleep = x_sleep;
    v.xCurrentTime = x_current_time;
    v.xGetLastError = x_get_last_error;
    if (v.iVersion >= 2)
        v.xCurrentTimeInt64 = x_current_time_int64;
    if (v.iVersion >= 3) {
        v.xSetSystemCall = x_set_system_call;
        v.xGetSystemCall = x_get_system_call;
        v.xNextSystemCall = x_next_system_call;
    }
    if (sqlite3_vfs_register(&v, 0) != SQLITE_OK)
        throw std::runtime_error("fault_vfs: cannot register " + impl_->name);
}

fault_vfs::~fault_vfs() {
    sqlite3_vfs_unregister(&impl_->vfs);
}

const char* fault_vfs::name() const {
    return impl_->name.c_str();
}

disk_faults& fault_vfs::faults() {
    return *impl_->faults;
}

}  // namespace sesmon::state
