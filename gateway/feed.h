/*
 * feed.h: the live feed's fan-out, without any socket. It indexes the local
 * connections by user and by the authors they follow, and gives each
 * connection a bounded queue of shared, reference-counted frames. ws.c owns
 * the sockets and drains the queues when writable.
 *
 * A connection starts "loading": until its followings are known it takes
 * every event (they are filtered when feed_conn_set_followings() arrives),
 * so that nothing published meanwhile is lost. A full queue, loading or
 * not, marks the connection overflowed and wakes its owner (who closes it
 * with 1008) and counts a drop; nobody else is slowed.
 *
 * Single-threaded: the gateway is one event loop.
 */
#ifndef CHIRP_GATEWAY_FEED_H
#define CHIRP_GATEWAY_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One frame shared by every queue it is in. */
struct feed_msg {
	int refs;
	int64_t author;
	int64_t id;		/* the tweet id */
	int64_t seq;		/* its position in its log; 0: none */
	bool is_tweet;		/* false: a delete or a notification */
	bool notify;		/* of the notify log (seq is its position) */
	size_t len;
	char data[];		/* the JSON frame without its cursor (ws.c
				 * adds the connection's), NUL-terminated */
};

struct feed;
struct feed_conn;

/* queue_max >= 1 messages per connection. */
struct feed *feed_new(size_t queue_max);
/* Every connection must have been freed first. */
void feed_free(struct feed *);

/* A new connection of user_id; owner is handed back by wake and lookups. */
struct feed_conn *feed_conn_new(struct feed *, int64_t user_id, void *owner);
void feed_conn_free(struct feed *, struct feed_conn *);
bool feed_conn_loading(const struct feed_conn *);
bool feed_conn_overflowed(const struct feed_conn *);

/*
 * The followings of a loading (or reloading) connection are known (ids
 * borrowed, any order, duplicates ignored): index it under each of them
 * and its own id, and (loading) drop what it buffered from anyone else.
 */
void feed_conn_set_followings(struct feed *, struct feed_conn *,
    const int64_t *ids, size_t n);
bool feed_conn_follows(const struct feed_conn *, int64_t author);

/*
 * A live connection's list may be stale (the user bus was lost, events
 * with it): reload_begin marks a fresh list on its way; until
 * feed_conn_set_followings() brings it, the connection keeps its current
 * list and follow events apply at once and again after the fresh list
 * (which may predate them). reload_abort: the list could not be had, keep
 * the current one. Connect and reload are O(n log n) in the list.
 */
void feed_conn_reload_begin(struct feed_conn *);
void feed_conn_reload_abort(struct feed_conn *);
bool feed_conn_reloading(const struct feed_conn *);

/* The oldest queued frame (borrowed) or NULL; pop drops it. */
const struct feed_msg *feed_conn_peek(const struct feed_conn *);
void feed_conn_pop(struct feed_conn *);
size_t feed_conn_queued(const struct feed_conn *);

/* Called for each connection that got a frame or overflowed. */
typedef void feed_wake_fn(void *owner, void *arg);

/*
 * An event of author: a new tweet (is_tweet) or a deleted one. The frame is
 * copied once and queued for every connection of the author or of a
 * follower of the author (and every loading one). Returns how many
 * connections got it.
 */
size_t feed_publish(struct feed *, int64_t author, int64_t tweet_id,
    int64_t seq, bool is_tweet, const char *frame, size_t len, feed_wake_fn *wake,
    void *arg);

/*
 * A frame of the notify log for user_id alone (a notification or its
 * removal): queued for each of user_id's connections, loading ones
 * included (their followings do not matter to it). Returns how many.
 */
size_t feed_publish_user(struct feed *, int64_t user_id, int64_t seq,
    const char *frame, size_t len, feed_wake_fn *wake, void *arg);

/* follower now (un)follows target: from now on for its connections (a
 * loading one applies it after its followings, which may predate it). */
void feed_follow(struct feed *, int64_t follower, int64_t target);
void feed_unfollow(struct feed *, int64_t follower, int64_t target);

/* Up to max owners of user_id's connections into owners; the count. */
size_t feed_user_conns(struct feed *, int64_t user_id, void **owners,
    size_t max);

/* Frames dropped because a queue was full, and live connections. */
uint64_t feed_drops(const struct feed *);
size_t feed_conn_count(const struct feed *);
/* Steps spent on follow lists so far (a test's measure of the work a
 * connect does; not a time). */
uint64_t feed_work(const struct feed *);

#endif
