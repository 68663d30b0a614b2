/*
 * cache.c: entries in a hash map by key, on an LRU list (head most
 * recent), and on a list per user, found through a second map by user
 * id, so invalidating a user touches only its pages.
 */
#include "cache.h"

#include <sys/queue.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "hmap.h"
#include "validate.h"
#include "xmalloc.h"

struct cache_entry {
	char *key;
	struct cache_user *user;	/* whose list it is */
	char *body;		/* NUL-terminated copy */
	size_t len;
	int64_t stored_ms;
	size_t cost;		/* counted in cache->bytes */
	struct hmap_node node;	/* cache->keys */
	LIST_ENTRY(cache_entry) page;	/* user->pages */
	TAILQ_ENTRY(cache_entry) lru;	/* cache->lru */
};

struct cache_user {
	int64_t id;
	LIST_HEAD(, cache_entry) pages;
	struct hmap_node node;	/* cache->users */
};

struct cache {
	size_t max;
	size_t max_bytes;
	size_t bytes;
	int64_t ttl_ms;
	struct hmap keys;
	struct hmap users;
	TAILQ_HEAD(cache_lru, cache_entry) lru;	/* head most recent */
};

static bool
cache_key_eq(const struct hmap_node *n, const void *key)
{
	return strcmp(HMAP_ENTRY(n, struct cache_entry, node)->key,
	    key) == 0;
}

static bool
cache_user_eq(const struct hmap_node *n, const void *id)
{
	return HMAP_ENTRY(n, struct cache_user, node)->id ==
	    *(const int64_t *)id;
}

struct cache *
cache_new(size_t max_entries, size_t max_bytes, int64_t ttl_ms)
{
	struct cache *c = xcalloc(1, sizeof *c);

	c->max = max_entries;
	c->max_bytes = max_bytes;
	c->ttl_ms = ttl_ms;
	hmap_init(&c->keys);
	hmap_init(&c->users);
	TAILQ_INIT(&c->lru);
	return c;
}

static struct cache_user *
cache_user_find(const struct cache *c, int64_t id)
{
	struct hmap_node *n;

	n = hmap_find(&c->users, hmap_hash_id(id), cache_user_eq, &id);
	return n != NULL ? HMAP_ENTRY(n, struct cache_user, node) : NULL;
}

/* Take e off every list and free it (and its user, when it was the
 * last page). */
static void
cache_remove(struct cache *c, struct cache_entry *e)
{
	struct cache_user *u = e->user;

	hmap_remove(&c->keys, &e->node);
	LIST_REMOVE(e, page);
	if (LIST_EMPTY(&u->pages)) {
		hmap_remove(&c->users, &u->node);
		free(u);
	}
	TAILQ_REMOVE(&c->lru, e, lru);
	c->bytes -= e->cost;
	free(e->key);
	free(e->body);
	free(e);
}

static struct cache_entry *
cache_find(const struct cache *c, const char *key)
{
	struct hmap_node *n;

	n = hmap_find(&c->keys, hmap_hash_str(key), cache_key_eq, key);
	return n != NULL ? HMAP_ENTRY(n, struct cache_entry, node) : NULL;
}

static bool
cache_expired(const struct cache *c, const struct cache_entry *e,
    int64_t now_ms)
{
	return c->ttl_ms > 0 && now_ms - e->stored_ms >= c->ttl_ms;
}

const char *
cache_get(struct cache *c, const char *key, int64_t now_ms, size_t *len)
{
	struct cache_entry *e = cache_find(c, key);

	if (e == NULL)
		return NULL;
	if (cache_expired(c, e, now_ms)) {
		cache_remove(c, e);
		return NULL;
	}
	TAILQ_REMOVE(&c->lru, e, lru);
	TAILQ_INSERT_HEAD(&c->lru, e, lru);
	*len = e->len;
	return e->body;
}

void
cache_put(struct cache *c, const char *key, int64_t user_id,
    const char *body, size_t len, int64_t now_ms)
{
	struct cache_entry *e;
	struct cache_user *u;
	size_t klen = strlen(key), cost;

	if ((e = cache_find(c, key)) != NULL)
		cache_remove(c, e);
	/* what it takes, allocator overhead aside */
	cost = sizeof(*e) + klen + 1 + len + 1;
	if (c->max == 0 || len > c->max_bytes || cost > c->max_bytes)
		return;		/* larger than the whole cache */
	while ((hmap_count(&c->keys) >= c->max ||
	    c->bytes + cost > c->max_bytes) && !TAILQ_EMPTY(&c->lru))
		cache_remove(c, TAILQ_LAST(&c->lru, cache_lru));

	if ((u = cache_user_find(c, user_id)) == NULL) {
		u = xcalloc(1, sizeof *u);
		u->id = user_id;
		LIST_INIT(&u->pages);
		hmap_insert(&c->users, &u->node, hmap_hash_id(user_id));
	}
	e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->user = u;
	e->body = xmalloc(len + 1);
	memcpy(e->body, body, len);
	e->body[len] = '\0';
	e->len = len;
	e->cost = cost;
	e->stored_ms = now_ms;
	hmap_insert(&c->keys, &e->node, hmap_hash_str(key));
	LIST_INSERT_HEAD(&u->pages, e, page);
	TAILQ_INSERT_HEAD(&c->lru, e, lru);
	c->bytes += cost;
}

void
cache_invalidate_user(struct cache *c, int64_t user_id)
{
	struct cache_user *u;

	/* Removing the last page frees u, so look it up each time. */
	while ((u = cache_user_find(c, user_id)) != NULL)
		cache_remove(c, LIST_FIRST(&u->pages));
}

void
cache_clear(struct cache *c)
{
	while (!TAILQ_EMPTY(&c->lru))
		cache_remove(c, TAILQ_FIRST(&c->lru));
}

size_t
cache_count(const struct cache *c)
{
	return hmap_count(&c->keys);
}

size_t
cache_bytes(const struct cache *c)
{
	return c->bytes;
}

/* The value of one query argument, when it is name (len bytes). */
static bool
cache_arg(const char *arg, size_t len, const char *name, const char **val,
    size_t *vlen)
{
	size_t nl = strlen(name);

	if (len < nl + 1 || strncmp(arg, name, nl) != 0 || arg[nl] != '=')
		return false;
	*val = arg + nl + 1;
	*vlen = len - nl - 1;
	return true;
}

char *
cache_follow_key(const char *path, const char *query)
{
	const char *p, *kind, *arg, *val;
	char idbuf[24], num[8], cur[CURSOR_MAX], canon[CURSOR_MAX];
	size_t idlen, alen, vlen;
	bool have_limit = false, have_cursor = false;
	int64_t id, time_us, after;
	long limit = CACHE_LIST_DEFAULT;

	if (strncmp(path, "/users/", 7) != 0)
		return NULL;
	p = path + 7;
	idlen = strcspn(p, "/");
	if (idlen == 0 || idlen >= sizeof(idbuf))
		return NULL;
	memcpy(idbuf, p, idlen);
	idbuf[idlen] = '\0';
	if (!validate_id(idbuf, &id))
		return NULL;
	kind = p + idlen;
	if (strcmp(kind, "/followings") != 0 && strcmp(kind, "/followers") != 0)
		return NULL;
	for (arg = query; arg != NULL && *arg != '\0';
	    arg = arg[alen] == '&' ? arg + alen + 1 : NULL) {
		alen = strcspn(arg, "&");
		if (cache_arg(arg, alen, "limit", &val, &vlen)) {
			char *end;

			if (have_limit || vlen == 0 || vlen >= sizeof(num) ||
			    strspn(val, "0123456789") < vlen)
				return NULL;
			memcpy(num, val, vlen);
			num[vlen] = '\0';
			limit = strtol(num, &end, 10);
			if (limit < 1 || limit > CACHE_LIST_MAX)
				return NULL;
			have_limit = true;
		} else if (cache_arg(arg, alen, "cursor", &val, &vlen)) {
			if (have_cursor || vlen == 0 || vlen >= sizeof(cur))
				return NULL;
			memcpy(cur, val, vlen);
			cur[vlen] = '\0';
			if (!cursor_decode(cur, &time_us, &after))
				return NULL;
			cursor_encode(time_us, after, canon);
			have_cursor = true;
		} else if ((alen == 5 && strncmp(arg, "limit", 5) == 0) ||
		    (alen == 6 && strncmp(arg, "cursor", 6) == 0)) {
			return NULL;	/* without '=': the service decides */
		}
	}
	if (have_cursor)
		return xasprintf("/users/%lld%s?limit=%ld&cursor=%s",
		    (long long)id, kind, limit, canon);
	return xasprintf("/users/%lld%s?limit=%ld", (long long)id, kind,
	    limit);
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	cache_clear(c);
	hmap_release(&c->keys);
	hmap_release(&c->users);
	free(c);
}
