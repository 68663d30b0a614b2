/*
 * followings.c: the followings cache of home timelines. A hash map of
 * user id -> followed ids under one mutex. Every invalidation
 * bumps a generation, so that an answer of chirp-userd fetched before an
 * event is never cached after it.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bus.h"
#include "events.h"
#include "feed.h"
#include "followings.h"
#include "hmap.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "xmalloc.h"

struct entry {
	int64_t user_id;
	int64_t *ids;
	size_t n;
	struct hmap_node node;	/* f->entries */
};

struct followings {
	struct userd_client *userd;
	struct bus *bus;
	pthread_mutex_t lock;
	struct hmap entries;
	size_t max;
	uint64_t generation;	/* bumped by every invalidation */
	/* bus_sync shared by concurrent readers (sync()) */
	pthread_mutex_t sync_lock;
	pthread_cond_t sync_done;
	uint64_t syncs_started, synced_upto;
	bool syncing;
	/* followings_also() */
	bus_handler *also_fn;
	void (*also_reconnect)(void *);
	void *also_arg;
	struct feed *feed;	/* followings_feed() */
};

static bool
entry_eq(const struct hmap_node *n, const void *user_id)
{
	return HMAP_ENTRY(n, struct entry, node)->user_id ==
	    *(const int64_t *)user_id;
}

static struct entry *
find_locked(struct followings *f, int64_t user_id)
{
	struct hmap_node *n;

	n = hmap_find(&f->entries, hmap_hash_id(user_id), entry_eq,
	    &user_id);
	return n != NULL ? HMAP_ENTRY(n, struct entry, node) : NULL;
}

static void
remove_locked(struct followings *f, struct entry *e)
{
	hmap_remove(&f->entries, &e->node);
	free(e->ids);
	free(e);
}

/* Drop every entry; lock held. */
static void
clear_locked(struct followings *f)
{
	struct hmap_iter it;
	struct hmap_node *n;

	for (n = hmap_first(&f->entries, &it); n != NULL; n = hmap_next(&it))
		remove_locked(f, HMAP_ENTRY(n, struct entry, node));
	f->generation++;
}

/* Drop user_id's entry; lock held. */
static void
drop_locked(struct followings *f, int64_t user_id)
{
	struct entry *e = find_locked(f, user_id);

	f->generation++;
	if (e != NULL)
		remove_locked(f, e);
}

struct followings *
followings_new(struct userd_client *userd, const char *bus_url,
    size_t max_entries)
{
	static const char *const channels[] = {CHANNEL_USER, NULL};
	struct followings *f = xcalloc(1, sizeof *f);

	f->userd = userd;
	f->bus = bus_url != NULL ? bus_new(bus_url, channels) : NULL;
	f->max = max_entries;
	hmap_init(&f->entries);
	pthread_mutex_init(&f->lock, NULL);
	pthread_mutex_init(&f->sync_lock, NULL);
	pthread_cond_init(&f->sync_done, NULL);
	return f;
}

/* Events may have been missed while the bus was away. */
static void
on_reconnect(void *arg)
{
	struct followings *f = arg;

	pthread_mutex_lock(&f->lock);
	clear_locked(f);
	pthread_mutex_unlock(&f->lock);
	if (f->also_reconnect != NULL)
		f->also_reconnect(f->also_arg);
}

void
followings_also(struct followings *f, bus_handler *fn,
    void (*reconnect_fn)(void *), void *arg)
{
	f->also_fn = fn;
	f->also_reconnect = reconnect_fn;
	f->also_arg = arg;
}

void
followings_feed(struct followings *f, struct feed *feed)
{
	f->feed = feed;
}

int
followings_start(struct followings *f)
{
	if (f->bus == NULL)
		return 0;
	return bus_thread_start(f->bus, followings_on_event, on_reconnect, f);
}

void
followings_free(struct followings *f)
{
	if (f == NULL)
		return;
	bus_free(f->bus);	/* stops its thread first */
	clear_locked(f);
	hmap_release(&f->entries);
	pthread_cond_destroy(&f->sync_done);
	pthread_mutex_destroy(&f->sync_lock);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

void
followings_on_event(const char *channel, const char *payload, void *arg)
{
	struct followings *f = arg;
	struct event ev;

	if (strcmp(channel, CHANNEL_USER) != 0)
		return;
	if (f->also_fn != NULL)
		f->also_fn(channel, payload, f->also_arg);
	if (events_decode(payload, &ev) != 0) {
		log_warnx("followings: an event that is not one of events.h");
		return;
	}
	/* Applied before the call returns: bus_sync is then a barrier for
	 * the replica too. */
	if (f->feed != NULL)
		feed_on_event(f->feed, &ev);
	pthread_mutex_lock(&f->lock);
	if (ev.type == EVENT_FOLLOW || ev.type == EVENT_UNFOLLOW)
		drop_locked(f, ev.user_id);
	else if (ev.type == EVENT_USER_DELETED)
		clear_locked(f);	/* it may be in anyone's list */
	pthread_mutex_unlock(&f->lock);
	events_release(&ev);
}

/* A copy of user_id's entry into *ids; lock held. */
static bool
lookup_locked(struct followings *f, int64_t user_id, int64_t **ids,
    size_t *n)
{
	struct entry *e = find_locked(f, user_id);

	if (e == NULL)
		return false;
	*ids = xcalloc(e->n + 1, sizeof **ids);
	memcpy(*ids, e->ids, e->n * sizeof **ids);
	*n = e->n;
	return true;
}

/* Cache a copy of ids for user_id; lock held. Full: start over. Two
 * readers may both have missed and fetched; the first copy stays, as
 * good as the second (no event came between: same generation). */
static void
insert_locked(struct followings *f, int64_t user_id, const int64_t *ids,
    size_t n)
{
	struct entry *e;

	if (find_locked(f, user_id) != NULL)
		return;
	if (hmap_count(&f->entries) >= f->max) {
		if (f->max == 0)
			return;
		clear_locked(f);
	}
	e = xcalloc(1, sizeof *e);
	e->user_id = user_id;
	e->ids = xcalloc(n + 1, sizeof *e->ids);
	memcpy(e->ids, ids, n * sizeof *ids);
	e->n = n;
	hmap_insert(&f->entries, &e->node, hmap_hash_id(user_id));
}

/*
 * Every event committed before the call is applied when it returns 0.
 * Any bus_sync that starts after the call will do, so concurrent readers
 * share one round trip instead of queueing for their own.
 */
static int
sync(struct followings *f)
{
	uint64_t arrival, mine;
	int ret;

	pthread_mutex_lock(&f->sync_lock);
	arrival = f->syncs_started;
	for (;;) {
		if (f->synced_upto > arrival) {
			pthread_mutex_unlock(&f->sync_lock);
			return 0;
		}
		if (!f->syncing)
			break;
		pthread_cond_wait(&f->sync_done, &f->sync_lock);
	}
	f->syncing = true;
	mine = ++f->syncs_started;
	pthread_mutex_unlock(&f->sync_lock);

	ret = bus_sync(f->bus, followings_on_event, f);

	pthread_mutex_lock(&f->sync_lock);
	f->syncing = false;
	if (ret == 0)
		f->synced_upto = mine;
	pthread_cond_broadcast(&f->sync_done);
	pthread_mutex_unlock(&f->sync_lock);
	return ret;
}

int
followings_sync(struct followings *f, int64_t *known)
{
	*known = -1;
	if (f->bus == NULL || !bus_connected(f->bus) || sync(f) != 0)
		return -1;
	*known = bus_known(f->bus, CHANNEL_USER);
	return 0;
}

enum userd_result
followings_get(struct followings *f, int64_t user_id, int64_t **ids,
    size_t *n)
{
	enum userd_result ret;
	uint64_t generation = 0;
	bool cached = false, usable;

	/* Every event committed before now is applied: read your writes. */
	usable = f->bus != NULL && bus_connected(f->bus) && sync(f) == 0;
	if (usable) {
		pthread_mutex_lock(&f->lock);
		cached = lookup_locked(f, user_id, ids, n);
		generation = f->generation;
		pthread_mutex_unlock(&f->lock);
		if (cached) {
			metrics_counter_add("chirp_followings_cache_total",
			    "result=\"hit\"", 1);
			return USERD_OK;
		}
		metrics_counter_add("chirp_followings_cache_total",
		    "result=\"miss\"", 1);
	}
	ret = userd_client_followings(f->userd, user_id, ids, n);
	if (ret == USERD_OK && usable) {
		pthread_mutex_lock(&f->lock);
		if (generation == f->generation)
			insert_locked(f, user_id, *ids, *n);
		pthread_mutex_unlock(&f->lock);
	}
	return ret;
}
