#pragma once
// dashboard_timeline: the dashboard's history part (issue 13) — on each card of an upgrade
// its expected finish and its timeline (Gantt: one row per node, one bar per status in its
// colour, a "now" line, the ETA marker), and below the cards the history list (newest
// first, duration, outcome) whose rows open that upgrade's timeline (#upgrade/<id>).
// Kept apart from dashboard.cpp: its own style, script and markup, which dashboard.cpp
// puts into the page (the script by its own CSP hash). The script uses the cards' script's
// helpers (window.sesmonDashboard) and defines window.sesmonTimeline, which the cards'
// script calls; it fetches api/v1/upgrades/{id} and api/v1/history itself.
#include "web/dashboard_part.hpp"

namespace sesmon::web {

dashboard_part timeline_part();

}  // namespace sesmon::web
