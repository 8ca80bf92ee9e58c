#pragma once
// known_file: the known set as one JSON file, <state directory>/discovered.json.
//
// save() hands the set to a thread of this object's own, which writes it atomically
// (common::write_file_atomically: temp file, fsync, rename), so the event loop never waits
// for the disk; saves that arrive while a write runs are coalesced (only the latest set is
// written). A failed write is logged once per episode (error) and retried with the next
// save. load() runs at start, before the event loop: a file that cannot be read or parsed
// is moved aside (<file>.corrupt-<unix seconds>, warning) and the set starts empty.
//
// The discovered set changes rarely (clusters are created and deleted by people), so it
// lives beside the state store rather than in it for now.
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "discovery/known.hpp"
#include "sesmon/clock.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::discovery {

// The file's text for `set`, and back. parse_known_text returns nullopt and sets `problem`
// when the text is not such a file.
std::string known_text(const known_set& set);
std::optional<known_set> parse_known_text(std::string_view text, std::string& problem);

class known_file final : public known_store {
  public:
    // `clk` names moved-aside files; it and `logger` must outlive this object.
    known_file(std::filesystem::path path, std::shared_ptr<spdlog::logger> logger,
               const sesmon::clock& clk);
    // Writes what is pending, then stops the thread.
    ~known_file() override;
    known_file(const known_file&) = delete;
    known_file& operator=(const known_file&) = delete;

    known_set load() override;
    void save(known_set set) override;
    // Waits until every save made so far was written (or failed).
    void flush();

    const std::filesystem::path& path() const { return path_; }

  private:
    void run();
    void write(const known_set& set);

    std::filesystem::path path_;
    std::shared_ptr<spdlog::logger> logger_;
    const sesmon::clock& clock_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::optional<known_set> pending_;
    bool writing_ = false;
    bool stopping_ = false;
    bool failing_ = false;  // the last write failed (writer thread only)
    std::thread writer_;
};

}  // namespace sesmon::discovery
