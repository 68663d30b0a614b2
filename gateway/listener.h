/*
 * listener.h: an event-bus subscriber inside the gateway's event loop:
 * common/bus in its non-blocking use (bus_start, bus_step), its socket (a
 * dup of it) adopted by lws as a raw file descriptor, so the loop wakes
 * when anything arrives. A lost connection is retried with backoff
 * (250 ms doubling to 5 s); on_connect runs after every (re)connection,
 * so the caller can catch up on what it missed.
 *
 * listener_sync() is the read-your-writes barrier (bus_sync_start): after
 * it every event committed before the call has been handed to the event
 * callback. Waiters are batched: all who asked before a round trip was
 * sent share it; later ones share the next.
 */
#ifndef CHIRP_GATEWAY_LISTENER_H
#define CHIRP_GATEWAY_LISTENER_H

#include <stdbool.h>

struct gateway;
struct listener;

/* A bus_handler (bus.h): (channel, payload, arg). */
typedef void listener_event_fn(const char *channel, const char *payload,
    void *arg);
typedef void listener_connect_fn(void *arg);
/* ok is 0 when the bus was lost before the round trip ended. */
typedef void listener_sync_fn(void *waiter, int ok);

/* name for logs ("user bus"); url and channel copied. Not yet started. */
struct listener *listener_new(struct gateway *, const char *name,
    const char *url, const char *channel, listener_event_fn *on_event,
    listener_connect_fn *on_connect, void *arg);
void listener_start(struct listener *);
/* Shutting down: fail the waiters, cancel timers, close. */
void listener_stop(struct listener *);
void listener_free(struct listener *);

/* Connected and listening (false for NULL). */
bool listener_connected(const struct listener *);
/* Queue fn(waiter, ok) after a round trip; -1 when not connected. */
int listener_sync(struct listener *, listener_sync_fn *fn, void *waiter);

#endif
