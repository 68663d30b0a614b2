/*
 * bus.h: the event bus. The embedded default is PostgreSQL itself: an event
 * is published inside the transaction of the change it announces, so it
 * exists only for a committed change; subscribers LISTEN. A larger
 * deployment can put NATS or Kafka behind this same interface.
 *
 * Channels and payloads are in events.h.
 */
#ifndef CHIRP_BUS_H
#define CHIRP_BUS_H

#include <libpq-fe.h>

#define BUS_REJECTED_METRIC "chirp_bus_events_rejected_total"

struct svcauth;

/*
 * The keys that seal and open every event of this process (svcauth.h),
 * borrowed; call once at start, before any bus use. Without them nothing
 * is published and every event is dropped.
 */
void bus_auth_set(const struct svcauth *);
/*
 * The payload of a sealed event of channel (a pointer into sealed), or
 * NULL when its seal is missing or wrong: then it is logged at warn and
 * counted in BUS_REJECTED_METRIC. For subscribers that read the bus
 * themselves (the gateway's listener); bus_dispatch already does it.
 */
const char *bus_open(const char *channel, const char *sealed);

/* Seal payload and publish it inside the caller's open transaction on
 * conn. 0 or -1. */
int bus_publish(PGconn *conn, const char *channel, const char *payload);

struct bus;
typedef void bus_handler(const char *channel, const char *payload,
    void *arg);

/* A subscriber of channels (NULL-terminated, copied); not yet connected. */
struct bus *bus_new(const char *url, const char *const *channels);
void bus_free(struct bus *);

/* Connect and LISTEN; 0 or -1. Reconnecting is calling it again. */
int bus_connect(struct bus *);
/* The socket to poll for readability; -1 when not connected. */
int bus_fd(const struct bus *);
/*
 * Read what has arrived without blocking and hand each event to fn.
 * 0, or -1 when the connection is lost (call bus_connect again, then
 * catch up through the owner's REST API).
 */
int bus_dispatch(struct bus *, bus_handler *fn, void *arg);
/*
 * A round trip to the bus: every event committed before the call has been
 * handed to fn when it returns (read-your-writes). 0 or -1.
 */
int bus_sync(struct bus *, bus_handler *fn, void *arg);

/*
 * A background thread that keeps a subscriber connected (backoff up to
 * 5 s) and dispatches to fn; on_reconnect (may be NULL) runs after every
 * (re)connection, so that caches filled while events may have been missed
 * can be dropped. bus_sync on the same bus is safe from other threads.
 */
int bus_thread_start(struct bus *, bus_handler *fn,
    void (*on_reconnect)(void *), void *arg);
void bus_thread_stop(struct bus *);
/* True while the subscriber is connected. */
int bus_connected(struct bus *);

#endif
