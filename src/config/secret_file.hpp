#pragma once
// Reading a secret (API key, webhook URL, signing secret, token) from a file, with the
// permission rule of SPEC §3: a file readable by group or others is refused. The check is
// made with fstat on the opened descriptor, so the file cannot be swapped between check
// and read.
#include <string>

namespace sesmon::config_file {

enum class secret_file_rule {
    owner_only,  // refuse any group or other read bit
    // systemd credentials ($CREDENTIALS_DIRECTORY) live on a private per-service mount that
    // systemd creates and may make group-readable for the service's group; only the
    // "others" bit is refused there.
    systemd_credential,
};

struct secret_file_result {
    std::string value;       // trimmed of surrounding whitespace; empty on failure
    std::string problem;     // "" on success; otherwise a message naming the path, never content
    bool not_found = false;  // the file does not exist (lets callers fall back to another source)

    bool ok() const { return problem.empty(); }
};

// Opens `path` (O_RDONLY|O_CLOEXEC|O_NONBLOCK, so a FIFO cannot block the loader), requires a
// regular file of at most 64 KiB whose mode passes `rule`, reads it and trims leading and
// trailing whitespace (a trailing newline is the common case). An empty result is a problem.
secret_file_result read_secret_file(const std::string& path,
                                    secret_file_rule rule = secret_file_rule::owner_only);

}  // namespace sesmon::config_file
