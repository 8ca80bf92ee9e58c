#include "daemon/early_signals.hpp"

#include <signal.h>

#include <initializer_list>

namespace sesmon::daemon::early_signals {
namespace {

volatile sig_atomic_t recorded = 0;

void on_signal(int signo) {
    if (recorded == SIGTERM || recorded == SIGINT)
        return;  // a stop is not turned back into a reload
    recorded = signo;
}

}  // namespace

void record() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (const int signo : {SIGTERM, SIGINT, SIGHUP})
        ::sigaction(signo, &action, nullptr);
}

int take() {
    const int signo = recorded;
    recorded = 0;
    return signo;
}

}  // namespace sesmon::daemon::early_signals
