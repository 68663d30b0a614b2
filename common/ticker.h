/*
 * ticker.h: a background thread that calls fn(arg) at once and then again
 * and again until stopped: the recovery passes of account deletion, the
 * discovery registrar.
 */
#ifndef CHIRP_TICKER_H
#define CHIRP_TICKER_H

/*
 * fn returns the milliseconds until its next call (a retry can come
 * sooner than a renewal). NULL (logged) when no thread can be started.
 */
struct ticker *ticker_start(int (*fn)(void *), void *arg);
/* Wake the thread: fn runs again now. */
void ticker_kick(struct ticker *);
/* Stop: waits for a call under way, then frees. NULL is fine. */
void ticker_stop(struct ticker *);

#endif
