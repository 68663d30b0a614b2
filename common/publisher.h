/*
 * publisher.h: the publisher of a service's events. bus_publish (bus.h)
 * leaves each event in the outbox of the service's database, in the
 * transaction of its change; this thread moves them into the event log,
 * numbering them (seq) in the order their changes became visible, and
 * sends each on: in the transaction of the move (PostgreSQL NOTIFY,
 * bus_relay) or after its commit (NATS, bus_send), recording the last
 * seq sent in the table published so that a new publisher sends on from
 * there.
 *
 * Every process of a service runs one; only the holder of an advisory
 * lock on its own session publishes, the others try again every second,
 * so a publisher that dies is replaced and no event is lost or doubled
 * (the move, the seq and the send commit together or not at all).
 * Event log rows older than the retention are deleted every minute (the
 * newest is always kept, so seqs never start again).
 *
 * Metrics: chirp_publisher_leader (1 while this process publishes),
 * chirp_events_published_total, chirp_publish_lag_seconds (from the
 * outbox row's created_at to the commit of its move), and while it leads
 * chirp_bus_log_seq{channel} (the newest seq of each channel in the log;
 * bus.h).
 */
#ifndef CHIRP_PUBLISHER_H
#define CHIRP_PUBLISHER_H

#include <stdint.h>

#include "config.h"

/* The setting of every process that runs a publisher. */
#define PUBLISHER_CONFIG_ROWS \
	CONFIG_INT_ROW("event_retention", "172800", 86400, 31622400, \
	    "seconds the event log keeps an event (the oldest cursor that " \
	    "resumes exactly)"), \
	CONFIG_SECRET_ROW("bus_url", "where events are published: empty " \
	    "for PostgreSQL NOTIFY, nats://host:port for NATS JetStream")

/* The advisory lock of the publisher: class and key. */
#define PUBLISHER_LOCK_CLASS 0x63687270	/* "chrp" */
#define PUBLISHER_LOCK_KEY 1

struct publisher;

/*
 * Start publishing the events of the database at url (copied); it is
 * woken by "<channel>_wake" for each of channels (NULL-terminated,
 * copied). bus_url (NULL or empty: PostgreSQL NOTIFY) is the transport
 * (bus_out_new in bus.h). NULL when bus_url is not one or the thread
 * cannot start.
 */
struct publisher *publisher_start(const char *url,
    const char *const *channels, int64_t retention_s, const char *bus_url);
/* Stop the thread (its lock goes with its session); NULL is fine. */
void publisher_stop(struct publisher *);

#endif
