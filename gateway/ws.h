/*
 * ws.h: the live feed's connections (GET /ws, docs/API.md "Live feed"), as the
 * rest of the gateway sees them; the lws side is in ws.c alone.
 */
#ifndef CHIRP_GATEWAY_WS_H
#define CHIRP_GATEWAY_WS_H

#include <stddef.h>
#include <stdint.h>

struct gateway;

/* The connections' shared state and the ping timer. */
void ws_start(struct gateway *);
/* Shutting down: cancel the timer (before the lws context goes). */
void ws_stop(struct gateway *);
void ws_free(struct gateway *);

/* feed_wake_fn: owner (a connection) has something to send. */
void ws_wake(void *owner, void *arg);
/* Close every connection of user_id with 1008 and reason (a static
 * string, at most 123 bytes): the account is gone, its tokens were
 * revoked. */
void ws_close_user(struct gateway *, int64_t user_id, const char *reason);
/* Close (1008 "token expired") every connection whose token expired by
 * now (seconds); how many. A timer calls it every few seconds. */
size_t ws_sweep_expired(struct gateway *, int64_t now);
/* The user bus (re)connected: follow events may have been lost, so every
 * connection reloads its followings, a few at a time. */
void ws_user_bus_connected(struct gateway *);
/* The tweet log's position is known (logsync.h): connections that were
 * opened before start from it and go on. */
void ws_position_known(struct gateway *);
/* The notify log's position is known: connections start their
 * notifications from it, or catch up to it. */
void ws_notify_position_known(struct gateway *);
/* Close every connection (1011, reason a static string): events were
 * lost for good; each resumes with its cursor. */
void ws_close_all(struct gateway *, const char *reason);
/* Add the frames sent since the last call to the metrics. */
void ws_metrics_flush(struct gateway *);

#endif
