/*
 * login_throttle.c: the per-account failed-login table (login_throttle.h).
 * A hash map of lower-cased usernames; entries are also on a list ordered by
 * their last failure, so that the oldest goes first when the table is full.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "login_throttle.h"
#include "xmalloc.h"

#define KEY_MAX 32		/* USERNAME_MAX */

struct throttle_entry {
	char key[KEY_MAX + 1];
	int failures;
	int64_t last_ms;	/* last failure */
	int64_t until_ms;	/* refused before this */
	struct hmap_node node;	/* t->keys */
	TAILQ_ENTRY(throttle_entry) age;
};

struct login_throttle {
	pthread_mutex_t lock;
	struct hmap keys;
	TAILQ_HEAD(, throttle_entry) ages;	/* least recently failed first */
	size_t max;
	int failures;
	int64_t base_ms, cap_ms;
};

/* The key of a username: lower case, cut at KEY_MAX bytes. */
static void
login_throttle_key(const char *username, char key[KEY_MAX + 1])
{
	size_t i;

	for (i = 0; i < KEY_MAX && username[i] != '\0'; i++)
		key[i] = (char)tolower((unsigned char)username[i]);
	key[i] = '\0';
}

static bool
login_throttle_eq(const struct hmap_node *n, const void *key)
{
	return strcmp(HMAP_ENTRY(n, struct throttle_entry, node)->key,
	    key) == 0;
}

struct login_throttle *
login_throttle_new(size_t max, int failures, int64_t base_s, int64_t cap_s)
{
	struct login_throttle *t = xcalloc(1, sizeof(*t));

	t->max = max > 0 ? max : 1;
	t->failures = failures > 0 ? failures : 1;
	t->base_ms = (base_s > 0 ? base_s : 1) * 1000;
	t->cap_ms = cap_s * 1000 > t->base_ms ? cap_s * 1000 : t->base_ms;
	hmap_init(&t->keys);
	TAILQ_INIT(&t->ages);
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

/* Forget e; lock held (or the table is being freed). */
static void
login_throttle_drop(struct login_throttle *t, struct throttle_entry *e)
{
	hmap_remove(&t->keys, &e->node);
	TAILQ_REMOVE(&t->ages, e, age);
	free(e);
}

void
login_throttle_free(struct login_throttle *t)
{
	if (t == NULL)
		return;
	while (!TAILQ_EMPTY(&t->ages))
		login_throttle_drop(t, TAILQ_FIRST(&t->ages));
	hmap_release(&t->keys);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* The entry of key or NULL; lock held. */
static struct throttle_entry *
login_throttle_find(struct login_throttle *t, const char *key)
{
	struct hmap_node *n;

	n = hmap_find(&t->keys, hmap_hash_str(key), login_throttle_eq, key);
	return n != NULL ? HMAP_ENTRY(n, struct throttle_entry, node) : NULL;
}

int64_t
login_throttle_wait(struct login_throttle *t, const char *username,
    int64_t now_ms)
{
	char key[KEY_MAX + 1];
	struct throttle_entry *e;
	int64_t wait = 0;

	login_throttle_key(username, key);
	pthread_mutex_lock(&t->lock);
	if ((e = login_throttle_find(t, key)) != NULL && now_ms < e->until_ms)
		wait = (e->until_ms - now_ms + 999) / 1000;
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void
login_throttle_failed(struct login_throttle *t, const char *username,
    int64_t now_ms)
{
	char key[KEY_MAX + 1];
	struct throttle_entry *e;
	int64_t lock_ms;
	int over;

	login_throttle_key(username, key);
	pthread_mutex_lock(&t->lock);
	if ((e = login_throttle_find(t, key)) == NULL) {
		if (hmap_count(&t->keys) >= t->max)
			login_throttle_drop(t, TAILQ_FIRST(&t->ages));
		e = xcalloc(1, sizeof(*e));
		memcpy(e->key, key, sizeof(key));
		hmap_insert(&t->keys, &e->node, hmap_hash_str(key));
	} else {
		TAILQ_REMOVE(&t->ages, e, age);
		if (now_ms >= e->until_ms &&
		    now_ms - e->last_ms > LOGIN_THROTTLE_FORGET_MS)
			e->failures = 0;
	}
	TAILQ_INSERT_TAIL(&t->ages, e, age);
	e->last_ms = now_ms;
	if (e->failures < 1000)
		e->failures++;
	if ((over = e->failures - t->failures) >= 0) {
		/* base << over, without overflow: the cap comes first */
		lock_ms = t->base_ms;
		while (over-- > 0 && lock_ms < t->cap_ms)
			lock_ms *= 2;
		if (lock_ms > t->cap_ms)
			lock_ms = t->cap_ms;
		e->until_ms = now_ms + lock_ms;
	}
	pthread_mutex_unlock(&t->lock);
}

void
login_throttle_succeeded(struct login_throttle *t, const char *username)
{
	char key[KEY_MAX + 1];
	struct throttle_entry *e;

	login_throttle_key(username, key);
	pthread_mutex_lock(&t->lock);
	if ((e = login_throttle_find(t, key)) != NULL)
		login_throttle_drop(t, e);
	pthread_mutex_unlock(&t->lock);
}

size_t
login_throttle_count(struct login_throttle *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = hmap_count(&t->keys);
	pthread_mutex_unlock(&t->lock);
	return n;
}
