/*
 * bus_nats.h: the NATS JetStream side of the event bus, for bus.c only
 * (every other file knows common/bus). Events of channel c go to subject
 * "chirp.c" of stream BUS_NATS_STREAM, each with the message id
 * "<channel>-<seq>", so that JetStream drops a repeat of the same event
 * within its duplicate window (a new publisher sending again what an old
 * one may have sent).
 *
 * A subscription is an ordered, ephemeral consumer delivering what is
 * sent after it starts. libnats hands messages over on its own threads;
 * they wait in a bounded queue whose eventfd (bus_nats_fd) is readable
 * while it is not empty, so that the subscriber's thread takes them in
 * its own loop. A lost connection is not retried here: the subscriber
 * connects again and catches up through the owner's REST API.
 */
#ifndef CHIRP_BUS_NATS_H
#define CHIRP_BUS_NATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUS_NATS_STREAM "CHIRP"
#define BUS_NATS_PREFIX "chirp."
/* Messages a subscription holds before it gives up (then: lost). */
#define BUS_NATS_QUEUE_MAX 65536

struct bus_nats;

/*
 * Connect to url (servers, comma-separated) as name, make sure the stream
 * exists and, for each of channels (NULL-terminated; NULL for none: a
 * publisher), subscribe. NULL on failure, with why in err.
 */
struct bus_nats *bus_nats_open(const char *url, const char *name,
    const char *const *channels, char *err, size_t errlen);
/* Unsubscribe and disconnect; callbacks under way finish on their own. */
void bus_nats_close(struct bus_nats *);

/*
 * Send data (sealed) on channel's subject with the id "<channel>-<seq>",
 * waiting for the stream's answer: 0 when it stored it or had it
 * already, -1 (err says why) otherwise.
 */
int bus_nats_send(struct bus_nats *, const char *channel, int64_t seq,
    const char *data, char *err, size_t errlen);

/* Readable while messages wait; -1 without subscriptions. */
int bus_nats_fd(const struct bus_nats *);
/*
 * The oldest message waiting: true with its channel and data (both the
 * caller's to free), false when none is left (the fd is then reset).
 */
bool bus_nats_next(struct bus_nats *, char **channel, char **data);
/* True once the connection is lost or the queue overflowed; err says why. */
bool bus_nats_lost(struct bus_nats *, char *err, size_t errlen);

#endif
