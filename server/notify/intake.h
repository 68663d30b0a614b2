/*
 * intake.h: the events of one owner's log (chirp-userd's or chirp-tweetd's)
 * turned into notifications, each exactly once (notify_store_apply keeps
 * the owner's position in the transaction of the change).
 *
 * Live from the bus: an event whose seq is the position + 1 is applied as
 * it comes. Anything else (a gap: a lost bus connection, a start, an event
 * another instance has applied meanwhile) and a poll every poll_ms catch
 * up from the owner's GET /internal/events?after=<position>, a page of up
 * to 1000 events per transaction. Any number of chirp-notifyd instances
 * may run: they take turns on the position's row lock.
 *
 * An event that makes nothing (notify_store_makes_nothing: most tweets)
 * costs no transaction: the position passes it in memory and is stored
 * with the next change or by the next poll. A restart replays from the
 * stored position only such events, which make nothing again.
 */
#ifndef CHIRP_INTAKE_H
#define CHIRP_INTAKE_H

#include "events.h"

struct notify_store;
struct svc_client;

struct intake_config {
	const char *owner;	/* NOTIFY_OWNER_USER or _TWEET */
	const char *channel;	/* CHANNEL_USER or CHANNEL_TWEET */
	struct svc_client *source;	/* the owner's REST API, borrowed */
	struct svc_client *userd;	/* names of followers, borrowed */
	const char *bus_url;	/* the owner's bus (bus.h); NULL: poll only */
	int poll_ms;
	/* every event of the bus, decoded, before it is applied (may be
	 * NULL); and after every (re)connection of the bus */
	void (*on_event)(const struct event *, void *arg);
	void (*on_reconnect)(void *arg);
	void *arg;
};

/* Start; cfg is copied, store borrowed. NULL (logged) on failure. */
struct intake *intake_start(struct notify_store *store,
    const struct intake_config *cfg);
void intake_stop(struct intake *);

#endif
