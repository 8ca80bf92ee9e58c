#pragma once
// dashboard: the self-contained status page served on "/" (docs/dashboard.md). One HTML
// document with its CSS and JavaScript inline — no CDN, no fonts, no other requests but
// the page's own fetch() of api/v1/clusters every few seconds. All data goes into the DOM
// with textContent, never as markup.
#include <string>

namespace sesmon::web {

struct dashboard_page {
    std::string html;
    // Allows exactly the inline script and style of `html` (by hash) and fetches to the
    // page's own origin; nothing else.
    std::string content_security_policy;
};

dashboard_page make_dashboard_page();

}  // namespace sesmon::web
