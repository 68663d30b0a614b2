/*
 * signals.h: how a service ends. SIGINT and SIGTERM are blocked in every
 * thread and taken by the main thread in signals_wait(), so that a signal
 * never lands in a worker; SIGPIPE is ignored (a client that hangs up is
 * an error on its socket, not the end of the process).
 */
#ifndef CHIRP_SIGNALS_H
#define CHIRP_SIGNALS_H

#include <signal.h>

/*
 * Call first in main, before any thread starts: threads inherit the mask.
 * set (may be NULL) receives the blocked signals, for sigtimedwait.
 */
void signals_block(sigset_t *set);
/* Wait for SIGINT or SIGTERM, log it, and return it. */
int signals_wait(void);

#endif
