/*
 * feed.h: the home timeline as a feed written at post time.
 *
 * The feed lives in chirp-tweetd's own database, beside the tweets, and
 * not in a timeline service of its own: a post, a delete and the feed
 * change they make commit in one transaction, a read is one join in one
 * database, and the hottest route makes no extra service hop.
 *
 * Fan-out on write needs the follow graph where the tweets are: a
 * replica of chirp-userd's, fed by its events (follow, unfollow,
 * user_deleted) exactly once, by their seq (tweet_store_replica_apply).
 * A gap (a lost bus connection, a start) is caught up from chirp-userd's
 * GET /internal/events; a replica never filled, or behind what chirp-userd
 * still keeps, is filled afresh from GET /internal/follows.
 */
#ifndef CHIRP_FEED_H
#define CHIRP_FEED_H

#include <stdint.h>

#include "events.h"
#include "tweet_store.h"
#include "userd_client.h"

/* store and userd are borrowed. keep_days: feeds of readers unseen that
 * long are dropped (feed_tick). */
struct feed *feed_new(struct tweet_store *store, struct userd_client *userd,
    int keep_days);
void feed_free(struct feed *);

/* Apply an event of CHANNEL_USER (decoded, with its seq); from the bus. */
void feed_on_event(struct feed *, const struct event *ev);

/*
 * Bring the replica up to chirp-userd's log as it is now (at least to
 * known); 0, or -1 when chirp-userd or the database cannot be reached.
 */
int feed_catch_up(struct feed *, int64_t known);

/*
 * A page of reader's home timeline; known is the newest seq of
 * chirp-userd's log the caller has seen (after its read-your-writes
 * barrier; -1: none, ask chirp-userd). TWEET_STORE_UNAVAILABLE when the
 * replica cannot be brought that far.
 */
enum tweet_store_result feed_read(struct feed *, int64_t reader,
    int64_t known, int64_t before, int64_t after, int limit,
    struct tweet_store_page *out);

/* The periodic pass: catch up, drop the feeds of readers away; returns
 * the milliseconds to the next (a ticker's fn). */
int feed_tick(void *feed);

#endif
