#pragma once
// Durable whole-file writes: the reader sees the old content or the new, never a mix,
// even across a crash or power loss.
#include <filesystem>
#include <string_view>
#include <system_error>

namespace sesmon::common {

// Writes `content` to `path` atomically: a temp file in the same directory, fsync, rename
// over `path`, fsync the directory. `mode` applies to the new file. Returns the error of
// the first step that failed (the temp file is removed then); never throws for I/O errors.
std::error_code write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                      unsigned mode = 0600);

}  // namespace sesmon::common
