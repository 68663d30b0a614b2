/*
 * revoke.c: the revoked-token table (revoke.h). A hash map of user ids to
 * entries, each also on a list ordered by last change, oldest first, so
 * that the entry dropped when the table is full is the oldest one.
 */
#include <sys/queue.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "events.h"
#include "hmap.h"
#include "log.h"
#include "model.h"
#include "revoke.h"
#include "xmalloc.h"

/* The min_gen of a deleted account: no generation reaches it. */
#define REVOKE_DELETED INT64_MAX

struct revoke_entry {
	int64_t user_id;
	int64_t min_gen;
	int64_t at;		/* last change, seconds */
	struct hmap_node node;	/* rv->users */
	TAILQ_ENTRY(revoke_entry) age;
};

struct revoke {
	pthread_mutex_t lock;
	struct hmap users;
	TAILQ_HEAD(, revoke_entry) ages;
	size_t max;
	int64_t floor;		/* tokens issued at or before: refused */
	bool loaded;
	bool warned;		/* the full table was logged */
};

static bool
revoke_eq(const struct hmap_node *n, const void *key)
{
	return HMAP_ENTRY(n, struct revoke_entry, node)->user_id ==
	    *(const int64_t *)key;
}

struct revoke *
revoke_new(size_t max)
{
	struct revoke *rv = xcalloc(1, sizeof(*rv));

	rv->max = max > 0 ? max : 1;
	hmap_init(&rv->users);
	TAILQ_INIT(&rv->ages);
	rv->floor = INT64_MIN;
	pthread_mutex_init(&rv->lock, NULL);
	return rv;
}

/* Forget e; lock held (or the table is being freed). */
static void
revoke_drop(struct revoke *rv, struct revoke_entry *e)
{
	hmap_remove(&rv->users, &e->node);
	TAILQ_REMOVE(&rv->ages, e, age);
	free(e);
}

void
revoke_free(struct revoke *rv)
{
	if (rv == NULL)
		return;
	while (!TAILQ_EMPTY(&rv->ages))
		revoke_drop(rv, TAILQ_FIRST(&rv->ages));
	hmap_release(&rv->users);
	pthread_mutex_destroy(&rv->lock);
	free(rv);
}

/* The entry of user_id or NULL; lock held. */
static struct revoke_entry *
revoke_find_locked(struct revoke *rv, int64_t user_id)
{
	struct hmap_node *n;

	n = hmap_find(&rv->users, hmap_hash_id(user_id), revoke_eq, &user_id);
	return n != NULL ? HMAP_ENTRY(n, struct revoke_entry, node) : NULL;
}

/* Raise user_id's min_gen to at least min_gen; lock held. */
static void
revoke_set_locked(struct revoke *rv, int64_t user_id, int64_t min_gen,
    int64_t now)
{
	struct revoke_entry *e;

	if ((e = revoke_find_locked(rv, user_id)) != NULL) {
		if (min_gen <= e->min_gen)
			return;
		TAILQ_REMOVE(&rv->ages, e, age);
	} else {
		if (hmap_count(&rv->users) >= rv->max) {
			/* Full: drop the oldest, refuse what it covered. */
			struct revoke_entry *old = TAILQ_FIRST(&rv->ages);

			if (old->at > rv->floor)
				rv->floor = old->at;
			revoke_drop(rv, old);
			if (!rv->warned)
				log_warnx("revocations: table full (%zu); "
				    "tokens issued up to %lld are refused",
				    rv->max, (long long)rv->floor);
			rv->warned = true;
		}
		e = xcalloc(1, sizeof(*e));
		e->user_id = user_id;
		hmap_insert(&rv->users, &e->node, hmap_hash_id(user_id));
	}
	e->min_gen = min_gen;
	e->at = now;
	TAILQ_INSERT_TAIL(&rv->ages, e, age);
}

void
revoke_set(struct revoke *rv, int64_t user_id, int64_t min_gen, int64_t now)
{
	pthread_mutex_lock(&rv->lock);
	revoke_set_locked(rv, user_id, min_gen, now);
	pthread_mutex_unlock(&rv->lock);
}

void
revoke_user_deleted(struct revoke *rv, int64_t user_id, int64_t now)
{
	revoke_set(rv, user_id, REVOKE_DELETED, now);
}

bool
revoke_token_valid(struct revoke *rv, const struct token_claims *c)
{
	struct revoke_entry *e;
	bool ok;

	pthread_mutex_lock(&rv->lock);
	ok = c->issued_at > rv->floor;
	if (ok && (e = revoke_find_locked(rv, c->user_id)) != NULL)
		ok = c->gen >= e->min_gen;
	pthread_mutex_unlock(&rv->lock);
	return ok;
}

/* A "gen" member: an integer >= 0. */
static bool
revoke_get_gen(const json_t *o, int64_t *gen)
{
	json_t *v = json_object_get(o, "gen");

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*gen = (int64_t)json_integer_value(v);
	return true;
}

void
revoke_on_event(struct revoke *rv, const struct event *ev, int64_t now)
{
	if (ev->type == EVENT_REVOKE)
		revoke_set(rv, ev->user_id, ev->gen, now);
	else if (ev->type == EVENT_USER_DELETED)
		revoke_user_deleted(rv, ev->user_id, now);
}

int
revoke_load(struct revoke *rv, const char *body, size_t len, int64_t now)
{
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	int ret = doc != NULL ? revoke_load_json(rv, doc, now) : -1;

	json_decref(doc);
	return ret;
}

int
revoke_load_json(struct revoke *rv, const json_t *doc, int64_t now)
{
	json_t *list, *item, *floor;
	int64_t user = 0, gen = 0;
	size_t i;
	int ret = -1;

	list = json_object_get(doc, "revocations");
	floor = json_object_get(doc, "floor");
	if (!json_is_array(list) || (floor != NULL && !json_is_integer(floor)))
		goto out;
	/* Check all before changing anything. */
	json_array_foreach(list, i, item) {
		if (!model_get_id(item, "userId", &user))
			goto out;
		if (!json_is_true(json_object_get(item, "deleted")) &&
		    !revoke_get_gen(item, &gen))
			goto out;
	}
	/* Oldest (last listed) first, so the age order stays true. */
	pthread_mutex_lock(&rv->lock);
	for (i = json_array_size(list); i-- > 0;) {
		item = json_array_get(list, i);
		(void)model_get_id(item, "userId", &user);
		if (json_is_true(json_object_get(item, "deleted")))
			gen = REVOKE_DELETED;
		else
			(void)revoke_get_gen(item, &gen);
		revoke_set_locked(rv, user, gen, now);
	}
	if (floor != NULL && json_integer_value(floor) > rv->floor)
		rv->floor = (int64_t)json_integer_value(floor);
	rv->loaded = true;
	pthread_mutex_unlock(&rv->lock);
	ret = 0;
out:
	return ret;
}

bool
revoke_loaded(struct revoke *rv)
{
	bool b;

	pthread_mutex_lock(&rv->lock);
	b = rv->loaded;
	pthread_mutex_unlock(&rv->lock);
	return b;
}

size_t
revoke_count(struct revoke *rv)
{
	size_t n;

	pthread_mutex_lock(&rv->lock);
	n = hmap_count(&rv->users);
	pthread_mutex_unlock(&rv->lock);
	return n;
}
