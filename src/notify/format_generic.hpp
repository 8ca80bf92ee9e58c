#pragma once
// The generic webhook body of SPEC §5 ("schema": "ses-upgrade-monitor/v1"). It is also the
// outbox's file format and the command notifier's stdin, so it can be read back.
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/event.hpp"

namespace sesmon::notify {

inline constexpr std::string_view generic_schema = "ses-upgrade-monitor/v1";

// Compact JSON, keys in SPEC §5's order. Times are RFC 3339 UTC; absent parts are null
// (`node`, `stall`, `error`, `finished_at`, ...; an empty previous_status is null too).
std::string format_generic(const sesmon::event& e);

// Reads a body written by format_generic back into the event (round trip). nullopt when the
// text is not such a body (wrong schema, missing id/type/cluster, unparsable time).
std::optional<sesmon::event> parse_generic(std::string_view json);

}  // namespace sesmon::notify
