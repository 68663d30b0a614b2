/*
 * feed.c: the replica of the follow graph kept exactly once, and the
 * home timeline read from the feed (feed.h). SQL is in tweet_store.c.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "eventlog.h"
#include "feed.h"
#include "log.h"
#include "xmalloc.h"

/* Pages of chirp-userd's log or edges per catch-up, at most: a bound on
 * one pass (the next read or tick goes on). */
#define FEED_CATCH_UP_PAGES 1000
/* Readers whose feed one tick may drop. */
#define FEED_PRUNE_BATCH 1000
#define FEED_TICK_MS 60000

struct feed {
	struct tweet_store *store;
	struct userd_client *userd;
	int keep_days;
	/* One applier per process (instances take turns in the database). */
	pthread_mutex_t lock;
};

struct feed *
feed_new(struct tweet_store *store, struct userd_client *userd,
    int keep_days)
{
	struct feed *f = xcalloc(1, sizeof *f);

	f->store = store;
	f->userd = userd;
	f->keep_days = keep_days;
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static int
fetch_edges(void *arg, int64_t after_follower, int64_t after_followee,
    int64_t **pairs, size_t *n)
{
	struct feed *f = arg;

	return userd_client_edges(f->userd, after_follower, after_followee,
	    EVENTLOG_LIMIT_MAX, pairs, n) == USERD_OK ? 0 : -1;
}

/* Fill the replica afresh, if its position is still pos; lock held. */
static int
bootstrap_locked(struct feed *f, int64_t pos)
{
	json_t *page;
	int64_t last;

	/* The log's position first: every change after it is replayed
	 * over the edges, which makes the copy right whenever each page
	 * was read. */
	if (userd_client_events(f->userd, 0, 1, &page) != USERD_OK)
		return -1;
	last = json_integer_value(json_object_get(page, "last"));
	json_decref(page);
	if (last < 0)
		return -1;
	log_info("feed: filling the follow graph's replica afresh at %"
	    PRId64, last);
	return tweet_store_replica_bootstrap(f->store, pos, last, fetch_edges,
	    f) == TWEET_STORE_OK ? 0 : -1;
}

/* The replica's position; -1 never filled, -2 unavailable. */
static int64_t
position(struct feed *f)
{
	struct tweet_store_feed_state st;

	if (tweet_store_feed_state(f->store, 0, &st) != TWEET_STORE_OK)
		return -2;
	return st.user_seq;
}

/* Apply one page of the log; 1 when it held events, 0 none, -1. */
static int
apply_page(struct feed *f, json_t *events)
{
	struct event ev;
	json_t *e;
	char *text;
	int64_t pos;
	size_t i;
	int rc;

	json_array_foreach(events, i, e) {
		text = json_dumps(json_object_get(e, "event"), JSON_COMPACT);
		rc = text != NULL ? events_decode(text, &ev) : -1;
		free(text);
		if (rc != 0) {
			log_warnx("feed: an event of chirp-userd's log that "
			    "is not one of events.h");
			return -1;
		}
		ev.seq = json_integer_value(json_object_get(e, "seq"));
		rc = tweet_store_replica_apply(f->store, &ev, &pos);
		events_release(&ev);
		if (rc != TWEET_STORE_OK)
			return -1;
	}
	return json_array_size(events) > 0;
}

/* Catch up; lock held. */
static int
catch_up_locked(struct feed *f, int64_t known)
{
	json_t *page, *first;
	int64_t pos;
	int i, rc;

	for (i = 0; i < FEED_CATCH_UP_PAGES; i++) {
		if ((pos = position(f)) == -2)
			return -1;
		if (pos == -1) {
			if (bootstrap_locked(f, pos) != 0)
				return -1;
			continue;
		}
		if (known >= 0 && pos >= known)
			return 0;
		if (userd_client_events(f->userd, pos, EVENTLOG_LIMIT_MAX,
		    &page) != USERD_OK)
			return -1;
		first = json_object_get(page, "first");
		/* What we need is gone from chirp-userd's log. */
		if (json_is_integer(first) &&
		    pos < json_integer_value(first) - 1) {
			json_decref(page);
			if (bootstrap_locked(f, pos) != 0)
				return -1;
			continue;
		}
		rc = apply_page(f, json_object_get(page, "events"));
		json_decref(page);
		if (rc <= 0)
			return rc;
	}
	return -1;
}

int
feed_catch_up(struct feed *f, int64_t known)
{
	int rc;

	pthread_mutex_lock(&f->lock);
	rc = catch_up_locked(f, known);
	pthread_mutex_unlock(&f->lock);
	return rc;
}

void
feed_on_event(struct feed *f, const struct event *ev)
{
	int64_t pos;

	if (ev->seq <= 0)
		return;
	pthread_mutex_lock(&f->lock);
	if (tweet_store_replica_apply(f->store, ev, &pos) ==
	    TWEET_STORE_NOT_FOUND && catch_up_locked(f, ev->seq) != 0)
		log_warnx("feed: behind chirp-userd's log at %" PRId64
		    "; catching up later", pos);
	pthread_mutex_unlock(&f->lock);
}

enum tweet_store_result
feed_read(struct feed *f, int64_t reader, int64_t known, int64_t before,
    int64_t after, int limit, struct tweet_store_page *out)
{
	struct tweet_store_feed_state st;
	enum tweet_store_result r;
	bool answered;

	out->items = NULL;
	out->n = 0;
	/* A first page: the state and, most often, the page at once. */
	if (after == 0) {
		r = tweet_store_feed_first(f->store, reader, known, before,
		    limit, &st, out, &answered);
		if (r != TWEET_STORE_OK || answered)
			return r;
	} else if ((r = tweet_store_feed_state(f->store, reader, &st)) !=
	    TWEET_STORE_OK)
		return r;
	/* The barrier: every follow the caller may have seen is applied. */
	if (known < 0 || st.user_seq < 0 || st.user_seq < known) {
		if (feed_catch_up(f, known) != 0)
			return TWEET_STORE_UNAVAILABLE;
		if ((r = tweet_store_feed_state(f->store, reader, &st)) !=
		    TWEET_STORE_OK)
			return r;
		if (st.user_seq < 0 || st.user_seq < known)
			return TWEET_STORE_UNAVAILABLE;
	}
	/* A reader with no feed (new, or away): build it from the
	 * authors' timelines. */
	if (!st.built) {
		if ((r = tweet_store_feed_build(f->store, reader, st.kept)) !=
		    TWEET_STORE_OK)
			return r;
		if ((r = tweet_store_feed_state(f->store, reader, &st)) !=
		    TWEET_STORE_OK)
			return r;
		if (!st.built)
			return TWEET_STORE_ERROR;
	}
	return tweet_store_feed_page(f->store, reader, st.horizon, before,
	    after, limit, out);
}

int
feed_tick(void *arg)
{
	struct feed *f = arg;
	int pruned;

	if (feed_catch_up(f, -1) != 0)
		log_warnx("feed: cannot catch up with chirp-userd's log yet");
	if (tweet_store_feed_prune(f->store, f->keep_days, FEED_PRUNE_BATCH,
	    &pruned) == TWEET_STORE_OK && pruned > 0)
		log_info("feed: dropped %d rows of readers away", pruned);
	return FEED_TICK_MS;
}
