#pragma once
// fault_vfs: a SQLite VFS that hands every call to the default one ("unix") and, for
// state.db, its -wal and its rollback journal, does what disk_faults says the disk does now:
//   read-only  opening a file for writing opens it read-only (SQLite's own fallback on EROFS)
//              or, for a file that does not exist, fails (SQLITE_CANTOPEN); writes to a file
//              opened before fail (SQLITE_IOERR_WRITE, as after a remount); deletes fail;
//   full       every write fails with SQLITE_FULL;
//   io-error   every write and sync fails (SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC);
//   slow       every sync sleeps `sync_delay` first;
//   hung       every write and sync blocks until the mode changes, then does what the new
//              mode says.
// Reads are never touched, nor temporary files, nor the -shm (SQLite maps it itself).
//
// Each instance registers a VFS of its own name (not the default: only connections opened
// with name() use it) and unregisters it when destroyed — after every connection that uses it
// is closed.
#include <memory>

#include "state/disk_faults.hpp"

namespace sesmon::state {

class fault_vfs {
  public:
    explicit fault_vfs(std::shared_ptr<disk_faults> faults);
    ~fault_vfs();
    fault_vfs(const fault_vfs&) = delete;
    fault_vfs& operator=(const fault_vfs&) = delete;

    const char* name() const;
    disk_faults& faults();

    struct impl;

  private:
    std::unique_ptr<impl> impl_;
};

}  // namespace sesmon::state
