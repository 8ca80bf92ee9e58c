#pragma once
// outbox: one notifier's pending events on disk, state_dir/outbox/<notifier>/, one file per
// event named "<20-digit sequence>-<event id prefix>.json" so that names sort in submission
// order. Each file is the generic body (format_generic), written atomically (temp, fsync,
// rename, fsync dir) before the first attempt and unlinked after delivery or dead-lettering.
// Why files and not a log: an event is written once and removed once, so there is nothing to
// compact, a crash can only leave whole files (or a stray temp file, removed on load), and an
// operator can inspect or delete a stuck event with ls and rm.
//
// Also the dead-letter file, state_dir/dead-letter/<notifier>.jsonl: one JSON object per line
// {"time", "notifier", "reason", "event"}, appended and fsynced.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sesmon/event.hpp"
#include "sesmon/time.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::notify {

struct outbox_entry {
    std::uint64_t sequence = 0;
    std::filesystem::path file;  // empty when the event could not be persisted
    sesmon::event event;
};

// A notifier name made safe as a single path component ("a/b" → "a_b", ".." → "_..").
std::string file_name_for(std::string_view notifier);

class outbox {
  public:
    // Does no I/O. `logger` gets warnings about unreadable files.
    outbox(const std::filesystem::path& state_dir, std::string_view notifier,
           std::shared_ptr<spdlog::logger> logger);

    // Reads every pending entry, in sequence order. Removes stray temp files; moves files that
    // do not parse aside ("<name>.corrupt") with a warning. Later puts continue the sequence.
    std::vector<outbox_entry> load();

    // Persists `e` as the next entry. On failure the entry comes back with an empty `file`
    // and `ec` set; the caller may still deliver it from memory.
    outbox_entry put(const sesmon::event& e, std::error_code& ec);

    // Unlinks the entry's file (no-op for an unpersisted entry). Errors are logged.
    void remove(const outbox_entry& entry);

    const std::filesystem::path& directory() const { return directory_; }

  private:
    std::filesystem::path directory_;
    std::shared_ptr<spdlog::logger> logger_;
    std::uint64_t next_sequence_ = 1;
    bool directory_ready_ = false;
};

// Appends one line to state_dir/dead-letter/<notifier>.jsonl and fsyncs it.
std::error_code append_dead_letter(const std::filesystem::path& state_dir,
                                   std::string_view notifier, const sesmon::event& e,
                                   std::string_view reason, sesmon::wall_time now);

}  // namespace sesmon::notify
