#pragma once
// The Microsoft Teams Workflows body (ncp-api.md "Notifications"): a `message` whose
// attachments[0] is an Adaptive Card 1.2 — title, summary, a FactSet (cluster, versions,
// progress, expected finish, node, status, stuck for, last error), the time, and an
// Action.OpenUrl to the dashboard's cluster view when there is a dashboard. At most 28 KB:
// a longer card has its summary and last error shortened (never refused).
#include <string>

#include "notify/message_text.hpp"
#include "sesmon/event.hpp"

namespace sesmon::notify {

inline constexpr std::size_t teams_body_limit = 28 * 1024;  // bytes

std::string format_teams(const sesmon::event& e, const text_options& options,
                         const std::string& link);

}  // namespace sesmon::notify
