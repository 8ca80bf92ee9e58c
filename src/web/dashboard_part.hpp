#pragma once
// dashboard_part: one concern of the dashboard page (docs/dashboard.md) — its CSS, its script
// and its markup — which dashboard.cpp assembles into the one self-contained page. Each
// script is a <script> of its own, allowed by its own hash in the page's CSP.
#include <string_view>

namespace sesmon::web {

struct dashboard_part {
    std::string_view style;   // CSS, appended to the page's style
    std::string_view script;  // one <script> of its own, run in the page's order of parts
    std::string_view body;    // markup, in the page's order of parts
};

}  // namespace sesmon::web
