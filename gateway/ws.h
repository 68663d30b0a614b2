/*
 * ws.h: the live feed's connections (GET /ws, API.md "Live feed"), as the
 * rest of the gateway sees them; the lws side is in ws.c alone.
 */
#ifndef CHIRP_GATEWAY_WS_H
#define CHIRP_GATEWAY_WS_H

#include <stdint.h>

struct gateway;

/* The connections' shared state and the ping timer. */
void ws_start(struct gateway *);
/* Shutting down: cancel the timer (before the lws context goes). */
void ws_stop(struct gateway *);
void ws_free(struct gateway *);

/* feed_wake_fn: owner (a connection) has something to send. */
void ws_wake(void *owner, void *arg);
/*
 * Close every connection of user_id (the account is gone, or its tokens
 * were revoked); reason, a string that lives for ever, goes in the close
 * frame.
 */
void ws_close_user(struct gateway *, int64_t user_id, const char *reason);
/* A tweet came on the bus (the newest id seen is where connections that
 * were sent nothing yet catch up from). */
void ws_tweet_seen(struct gateway *, int64_t tweet_id);
/* The tweet bus came back: every live connection catches up through the
 * tweet service from the last id it sent, or, when it was sent none, from
 * the newest tweet the gateway had seen on the bus before the loss. */
void ws_catch_up(struct gateway *);
/* Add the frames sent since the last call to the metrics. */
void ws_metrics_flush(struct gateway *);

#endif
