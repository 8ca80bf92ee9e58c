#pragma once
// The `slack` webhook body: `text` (what a phone notification shows: emoji and summary) plus
// Block Kit `blocks` (header, summary, fields for cluster, versions, progress, node, how
// long stuck, error; a context line with time and event id), in the notifier's language and
// time zone (message_text.hpp).
#include <string>

#include "notify/message_text.hpp"
#include "sesmon/event.hpp"

namespace sesmon::notify {

std::string format_slack(const sesmon::event& e, const text_options& options = {});

}  // namespace sesmon::notify
