/*
 * revoke.c: the revoked-token table (revoke.h). A hash map of user ids to
 * entries, each also on a list ordered by last change, oldest first, so
 * that the entry dropped when the table is full is the oldest one.
 */
#include <pthread.h>
#include <stdlib.h>

#include <jansson.h>

#include "agetable.h"
#include "events.h"
#include "log.h"
#include "model.h"
#include "revoke.h"
#include "xmalloc.h"

/* The min_gen of a deleted account: no generation reaches it. */
#define REVOKE_DELETED INT64_MAX

struct revoke_entry {
	struct agetable_node n;	/* first; rv->users by user id, aged by at */
	int64_t min_gen;
	int64_t at;		/* last change, seconds */
};

struct revoke {
	pthread_mutex_t lock;
	struct agetable users;
	int64_t floor;		/* tokens issued at or before: refused */
	bool loaded;
	bool warned;		/* the full table was logged */
};

struct revoke *
revoke_new(size_t max)
{
	struct revoke *rv = xcalloc(1, sizeof(*rv));

	agetable_init(&rv->users, max, sizeof(struct revoke_entry));
	rv->floor = INT64_MIN;
	pthread_mutex_init(&rv->lock, NULL);
	return rv;
}

void
revoke_free(struct revoke *rv)
{
	if (rv == NULL)
		return;
	agetable_release(&rv->users);
	pthread_mutex_destroy(&rv->lock);
	free(rv);
}

/* Full: the oldest entry goes; refuse what it covered. Lock held. */
static void
revoke_evict(void *entry, void *arg)
{
	struct revoke_entry *old = entry;
	struct revoke *rv = arg;

	if (old->at > rv->floor)
		rv->floor = old->at;
	if (!rv->warned)
		log_warnx("revocations: table full (%zu); "
		    "tokens issued up to %lld are refused",
		    rv->users.max, (long long)rv->floor);
	rv->warned = true;
}

/* Raise user_id's min_gen to at least min_gen; lock held. */
static void
revoke_set_locked(struct revoke *rv, int64_t user_id, int64_t min_gen,
    int64_t now)
{
	struct revoke_entry *e;
	bool created;

	e = agetable_get(&rv->users, NULL, user_id, &created, revoke_evict, rv);
	if (!created && min_gen <= e->min_gen)
		return;
	e->min_gen = min_gen;
	e->at = now;
	agetable_touch(&rv->users, e);
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
	if (ok && (e = agetable_find(&rv->users, NULL, c->user_id)) != NULL)
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
	n = agetable_count(&rv->users);
	pthread_mutex_unlock(&rv->lock);
	return n;
}
