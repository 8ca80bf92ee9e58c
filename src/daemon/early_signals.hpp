#pragma once
// early_signals: SIGTERM, SIGINT and SIGHUP that arrive while the daemon starts — the
// configuration loading, the store's opening and integrity check, the first answers from
// etcd — before its event loop listens for them. Their default action would end the process
// by the signal (SPEC §12, invariant 5: SIGTERM exits 0 in every mode, starting included), so
// they are recorded instead, and the daemon acts on them as the first thing its loop does.
namespace sesmon::daemon::early_signals {

// Installs async-signal-safe handlers that only record the signal. Call first in `run`.
void record();
// The signal recorded since record() (a stop wins over a reload), and forgets it; 0 if none.
int take();

}  // namespace sesmon::daemon::early_signals
