/*
 * bus.h: the event bus. The embedded default is PostgreSQL itself: an event
 * is written to the outbox of its database inside the transaction of the
 * change it announces, so it exists only for a committed change; the
 * publisher (publisher.h) moves it to the database's event log, where it
 * gets its seq, and sends it on with bus_relay; subscribers LISTEN. Only
 * bus.c knows the transport.
 *
 * Channels and payloads are in events.h.
 */
#ifndef CHIRP_BUS_H
#define CHIRP_BUS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#define BUS_REJECTED_METRIC "chirp_bus_events_rejected_total"
/*
 * The bus lag, in seqs, per channel: the owner's publisher says the newest
 * seq of the channel in its log (BUS_LOG_METRIC, while it leads), every
 * subscriber the newest it has applied or started after
 * (BUS_APPLIED_METRIC). The difference is how far a subscriber is behind.
 */
#define BUS_LOG_METRIC "chirp_bus_log_seq"
#define BUS_APPLIED_METRIC "chirp_bus_applied_seq"

struct svcauth;

/*
 * The metric labels of channel ('channel="name"'), caller frees; NULL
 * when the name holds a byte that a label value would have to escape
 * (channel names are the program's, so that never happens in practice).
 */
char *bus_channel_label(const char *channel);

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

/*
 * The publisher's open database transaction, opaque: whatever transport
 * carries the events, they are published in the transaction of the change
 * they announce. A store gets its handle from db_bus_tx (db.h).
 */
struct bus_tx;
/*
 * The statements of bus_publish and bus_relay, prepared once per
 * connection so that an event costs one execution, not a parse and a
 * plan as well: a store lists BUS_STATEMENTS in its statement table
 * (db.h), and a connection of its own (the publisher's) has bus_prepare
 * called on it once connected (0 or -1, logged).
 */
#define BUS_PUT_STMT "bus_put"
#define BUS_RELAY_STMT "bus_relay"
#define BUS_STATEMENTS \
	{BUS_PUT_STMT, "WITH o AS (INSERT INTO outbox (channel, author, " \
	    "payload) VALUES ($1, $2, $3) RETURNING 1) " \
	    "SELECT pg_notify($1 || '_wake', '') FROM o"}, \
	{BUS_RELAY_STMT, "SELECT pg_notify($1, $2)"}
int bus_prepare(PGconn *);
/*
 * Publish payload inside the transaction tx: a row of the outbox (its
 * author from events_author) and a wake-up of the publisher, sent on
 * "<channel>_wake" with nothing in it. 0 or -1.
 */
int bus_publish(struct bus_tx *tx, const char *channel, const char *payload);
/* The same when the caller knows the event's author (events_author of
 * payload, or -1): the payload is not parsed again for it. */
int bus_publish_by(struct bus_tx *tx, const char *channel,
    const char *payload, int64_t author);
/*
 * The publisher's side: send payload (an event with its "seq"), sealed
 * with the service secret, inside the transaction tx that moves it into
 * the log (PostgreSQL transport). 0 or -1.
 */
int bus_relay(struct bus_tx *tx, const char *channel, const char *payload);

/*
 * The publisher's transport, from the bus_url setting: empty for
 * PostgreSQL NOTIFY (bus_relay, in the transaction of the move), or
 * "nats://host:port" (servers comma-separated) for NATS JetStream
 * (bus_send, after the commit of the move). NULL when url is neither.
 */
struct bus_out;
struct bus_out *bus_out_new(const char *url);
void bus_out_free(struct bus_out *);
/* True when events go out in the transaction of the move (bus_relay). */
bool bus_out_in_tx(const struct bus_out *);
/*
 * Send a logged event (payload with its seq), sealed, after the commit of
 * its move: connects when needed and waits for the stream to store it. A
 * repeat of the same channel and seq is dropped by the stream, so
 * sending again after a failure or a crash doubles nothing. 0 or -1.
 */
int bus_send(struct bus_out *, const char *channel, int64_t seq,
    const char *payload);

struct bus;
typedef void bus_handler(const char *channel, const char *payload,
    void *arg);

/*
 * A subscriber of channels (NULL-terminated, copied); not yet connected.
 * url is the owner's database (the bus role's), where the read-your-writes
 * barrier is asked; for the PostgreSQL transport events come by LISTEN on
 * it. "nats://host:port <database URL>" (the NATS servers, a space, the
 * database) takes events from NATS JetStream instead.
 */
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
 * A barrier: every event committed before the call has been handed to fn
 * when it returns (read-your-writes). It waits for the publisher to log
 * them (bus_barrier in the database), then for their notifications; -1
 * when that takes more than 5 s, or on a lost connection.
 *
 * Every subscriber hands on each seq of a channel once: an event whose
 * "seq" is not above the last one of its channel on this connection is a
 * double, dropped. The database must have the event log (its
 * bus_position and bus_barrier functions).
 */
int bus_sync(struct bus *, bus_handler *fn, void *arg);

/*
 * The newest seq of channel this subscriber knows to be in the log: the
 * last handed on, the log's newest at LISTEN, or the last barrier's
 * (after bus_sync: at least the log's newest at the call). 0: none.
 * For a subscriber that keeps its own position (a replica): when that is
 * below this, it missed events and must catch up.
 */
int64_t bus_known(struct bus *, const char *channel);

/*
 * A background thread that keeps a subscriber connected (backoff up to
 * 5 s) and dispatches to fn; on_reconnect (may be NULL) runs after every
 * (re)connection, so that caches filled while events may have been missed
 * can be dropped. bus_sync on the same bus is safe from other threads.
 */
int bus_thread_start(struct bus *, bus_handler *fn,
    void (*on_reconnect)(void *), void *arg);
void bus_thread_stop(struct bus *);
/* True while the subscriber is connected (and, from bus_start, LISTENing). */
int bus_connected(struct bus *);

/*
 * Non-blocking use, for an event loop that watches bus_fd itself (the
 * gateway): from that loop's thread only, never with bus_thread_start.
 *
 * bus_start drops any connection and starts connecting, as app (the
 * database's application_name), without waiting; 0, or -1 when it failed
 * at once. From then on call bus_step(writable) whenever bus_fd is
 * readable, or writable while bus_want_write: it advances the connection
 * and LISTEN, hands events to fn, runs on_connect once the subscription
 * is live and answers round trips. bus_fd may change while connecting:
 * look at it again after each step. -1 when the connection is lost or
 * could not be made (bus_error says why; waiters answered with ok 0):
 * call bus_start again later, then catch up.
 */
int bus_start(struct bus *, const char *app, bus_handler *fn,
    void (*on_connect)(void *), void *arg);
int bus_step(struct bus *, bool writable);
bool bus_want_write(const struct bus *);
/* The error of the connection, or why the last one ended. */
const char *bus_error(const struct bus *);
/* Drop the connection; every waiting round trip is answered with ok 0. */
void bus_close(struct bus *);

/* ok is 0 when the connection was lost before the round trip ended. */
typedef void bus_sync_fn(void *waiter, int ok);
/*
 * bus_sync without blocking: fn(waiter, 1) runs from bus_step once every
 * event committed before the call has been handed on. Waiters share
 * round trips: all who ask before one is sent share it, later ones the
 * next. -1 when not connected (fn will not run); after 0, fn runs once.
 */
int bus_sync_start(struct bus *, bus_sync_fn *fn, void *waiter);

#endif
