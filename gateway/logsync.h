/*
 * logsync.h: one bus channel as the gateway applies it, in the order of
 * its owner's event log (resume.md "Live"). It keeps the last seq applied;
 * an event at or below it is a double and dropped, the next one is
 * applied, and a gap (a seq above last + 1) or a bus (re)connection makes
 * it catch up from the owner's GET /internal/events?after=last, page by
 * page, before anything newer is applied. Events that come on the bus
 * during a catch-up are not held: the catch-up goes on until it has
 * passed the newest of them, so nothing is applied twice or out of order.
 *
 * Until the first answer of the owner the position is unknown: the first
 * catch-up only learns the log's newest seq (what came before is no
 * concern of a gateway that was not there).
 */
#ifndef CHIRP_GATEWAY_LOGSYNC_H
#define CHIRP_GATEWAY_LOGSYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "events.h"
#include "routes.h"

struct gateway;
struct logsync;

/* Apply one event (with its seq) of the channel. */
typedef void logsync_apply_fn(struct gateway *, const struct event *);
/*
 * Events may have been missed for good: first, the position was just
 * learnt (nothing was applied before it); otherwise the log no longer
 * holds what came after the last one applied (kept for event_retention).
 */
typedef void logsync_lost_fn(struct gateway *, bool first);

/* name for logs ("tweet log"); owner the service that keeps the log. */
struct logsync *logsync_new(struct gateway *, const char *name,
    enum service owner, logsync_apply_fn *, logsync_lost_fn *);
void logsync_free(struct logsync *);
/* Shutting down: cancel the request and the retry timer. */
void logsync_stop(struct logsync *);

/* An event payload from the bus (a listener_event_fn's payload). */
void logsync_event(struct logsync *, const char *payload);
/* The bus (re)connected: events may have been lost meanwhile. */
void logsync_connected(struct logsync *);
/* The last seq applied, or -1 while it is not known yet. */
int64_t logsync_last(const struct logsync *);

#endif
