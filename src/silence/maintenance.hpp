#pragma once
// maintenance: when upgrades are planned (SPEC §14, `maintenance:`). A window is a set of
// weekly spans in a fixed-offset time zone ("Tue 02:00-05:00" in Asia/Seoul), applying to
// the clusters with its labels or of its names (or to every cluster). An upgrade that
// starts outside every window that applies to its cluster is unplanned; every event of a
// cluster some window applies to says whether it happened inside one. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sesmon/labels.hpp"
#include "sesmon/quiet.hpp"
#include "sesmon/time.hpp"

namespace sesmon::silence {

// Parses one weekly span: "Tue 02:00-05:00", "Sun 23:00-01:00" (an end not after the start
// is on the next day, here across the week's end), "Fri 22:00-Mon 06:00" (an end day of its
// own), "Sat 00:00-24:00". Days are Mon..Sun or their full English names, any letter case;
// times are HH:MM from 00:00 to 24:00. nullopt with a one-line reason in `error`.
std::optional<weekly_span> parse_weekly(std::string_view text, std::string* error = nullptr);

// Whether `window` applies to the cluster `name` with `labels`.
bool applies_to(const maintenance_window& window, std::string_view name, const label_set& labels);

// Whether `t` falls inside one of the window's spans (in its zone).
bool inside(const maintenance_window& window, wall_time t);

// nullopt when no window of `all` applies to the cluster (nothing is planned or unplanned
// there); else whether `t` is inside one of those that do.
std::optional<bool> in_window(const std::vector<maintenance_window>& all, std::string_view name,
                              const label_set& labels, wall_time t);

}  // namespace sesmon::silence
