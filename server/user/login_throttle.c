/*
 * login_throttle.c: the per-account failed-login table (login_throttle.h).
 * A hash map of lower-cased usernames; entries are also on a list ordered by
 * their last failure, so that the oldest goes first when the table is full.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>

#include "agetable.h"
#include "login_throttle.h"
#include "xmalloc.h"

#define KEY_MAX 32		/* USERNAME_MAX */

struct throttle_entry {
	struct agetable_node n;	/* first; t->keys, aged by last_ms */
	int failures;
	int64_t last_ms;	/* last failure */
	int64_t until_ms;	/* refused before this */
};

struct login_throttle {
	pthread_mutex_t lock;
	struct agetable keys;	/* least recently failed first */
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

struct login_throttle *
login_throttle_new(size_t max, int failures, int64_t base_s, int64_t cap_s)
{
	struct login_throttle *t = xcalloc(1, sizeof(*t));

	t->failures = failures > 0 ? failures : 1;
	t->base_ms = (base_s > 0 ? base_s : 1) * 1000;
	t->cap_ms = cap_s * 1000 > t->base_ms ? cap_s * 1000 : t->base_ms;
	agetable_init(&t->keys, max, sizeof(struct throttle_entry));
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void
login_throttle_free(struct login_throttle *t)
{
	if (t == NULL)
		return;
	agetable_release(&t->keys);
	pthread_mutex_destroy(&t->lock);
	free(t);
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
	if ((e = agetable_find(&t->keys, key, 0)) != NULL && now_ms < e->until_ms)
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
	/* full: the least recently failed is forgotten */
	e = agetable_get(&t->keys, key, 0, NULL, NULL, NULL);
	agetable_touch(&t->keys, e);
	if (now_ms >= e->until_ms &&
	    now_ms - e->last_ms > LOGIN_THROTTLE_FORGET_MS)
		e->failures = 0;
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
	if ((e = agetable_find(&t->keys, key, 0)) != NULL)
		agetable_remove(&t->keys, e);
	pthread_mutex_unlock(&t->lock);
}

size_t
login_throttle_count(struct login_throttle *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = agetable_count(&t->keys);
	pthread_mutex_unlock(&t->lock);
	return n;
}
