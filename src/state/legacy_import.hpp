#pragma once
// legacy_import: upgrades a state directory written by the per-file versions (before
// state.db) — clusters/<instance_no>.json, outbox/<notifier>/<seq>-<id>.json,
// dead-letter/<notifier>.jsonl and handoff/<instance_no>.json — into state.db, once, with
// nothing lost and nothing re-sent:
// - cluster states become rows (a row already in state.db wins: it is newer);
// - pending outbox files become pending outbox rows, in their old order;
// - dead-letter lines become dead outbox rows with their reason;
// - a handoff file (a crash cut a poll's hand-over short) is resolved as the old daemon
//   would have: events its cluster's state records as emitted go to every notifier `route`
//   names (nothing of them can have been delivered yet); the others are dropped (the
//   tracker emits them again).
// Everything goes in one transaction; then the old files are moved into
// legacy-<YYYYMMDD>/ so the import never runs twice. Inserts are idempotent, so an import
// whose move failed (read-only directory) is harmless when it runs again.
// History starts with state.db: imported events do not create history rows.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/event.hpp"
#include "sesmon/time.hpp"
#include "state/sqlite.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

struct legacy_hooks {
    // Reads the generic webhook body the old outbox files hold (notify::parse_generic).
    std::function<std::optional<sesmon::event>(std::string_view)> parse_generic;
    // The notifiers an event goes to under the current configuration.
    std::function<std::vector<std::string>(const sesmon::event&)> route;
};

struct legacy_import_result {
    std::size_t clusters = 0;
    std::size_t pending = 0;
    std::size_t dead = 0;
    std::size_t handed_over = 0;
    std::size_t unreadable = 0;  // files or lines that did not parse (left in the legacy dir)
    std::filesystem::path moved_to;
};

// True when `directory` holds files of the per-file layout.
bool has_legacy_layout(const std::filesystem::path& directory);

// Imports and moves aside (see above). nullopt when there was nothing to import. Throws
// sqlite::error when the database write fails (nothing is moved then).
std::optional<legacy_import_result> import_legacy(sqlite::connection& db,
                                                  const std::filesystem::path& directory,
                                                  const legacy_hooks& hooks, wall_time now,
                                                  spdlog::logger& log);

}  // namespace sesmon::state
