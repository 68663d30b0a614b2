/*
 * cache.c: entries in a chained hash table by key, on a doubly linked LRU
 * list (head most recent), and on a list per user, found through a second
 * hash table by user id, so invalidating a user touches only its pages.
 */
#include "cache.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "validate.h"
#include "xmalloc.h"

struct cache_entry {
	char *key;
	uint64_t hash;
	int64_t user_id;
	char *body;		/* NUL-terminated copy */
	size_t len;
	int64_t stored_ms;
	size_t cost;		/* counted in cache->bytes */
	struct cache_entry *chain;	/* next in the key bucket */
	struct cache_entry *uprev, *unext;	/* the user's pages */
	struct cache_entry *lprev, *lnext;	/* LRU, head most recent */
};

struct cache_user {
	int64_t id;
	struct cache_entry *pages;
	struct cache_user *chain;	/* next in the user bucket */
};

struct cache {
	size_t max;
	size_t max_bytes;
	size_t bytes;
	int64_t ttl_ms;
	size_t n;
	size_t mask;
	struct cache_entry **keys;
	struct cache_user **users;
	struct cache_entry *head, *tail;
};

/* FNV-1a. */
static uint64_t
cache_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t
cache_user_slot(const struct cache *c, int64_t id)
{
	uint64_t h = (uint64_t)id * 11400714819323198485ULL;

	return (size_t)(h >> 32) & c->mask;
}

struct cache *
cache_new(size_t max_entries, size_t max_bytes, int64_t ttl_ms)
{
	struct cache *c = xcalloc(1, sizeof *c);
	size_t nb = 16;

	c->max = max_entries;
	c->max_bytes = max_bytes;
	c->ttl_ms = ttl_ms;
	while (nb < max_entries && nb < ((size_t)1 << 24))
		nb <<= 1;
	c->mask = nb - 1;
	c->keys = xcalloc(nb, sizeof *c->keys);
	c->users = xcalloc(nb, sizeof *c->users);
	return c;
}

static struct cache_user *
cache_user_find(const struct cache *c, int64_t id)
{
	struct cache_user *u;

	for (u = c->users[cache_user_slot(c, id)]; u != NULL; u = u->chain)
		if (u->id == id)
			return u;
	return NULL;
}

static void
cache_lru_unlink(struct cache *c, struct cache_entry *e)
{
	if (e->lprev != NULL)
		e->lprev->lnext = e->lnext;
	else
		c->head = e->lnext;
	if (e->lnext != NULL)
		e->lnext->lprev = e->lprev;
	else
		c->tail = e->lprev;
	e->lprev = e->lnext = NULL;
}

static void
cache_lru_push(struct cache *c, struct cache_entry *e)
{
	e->lprev = NULL;
	e->lnext = c->head;
	if (c->head != NULL)
		c->head->lprev = e;
	else
		c->tail = e;
	c->head = e;
}

/* Take e off every list and free it. */
static void
cache_remove(struct cache *c, struct cache_entry *e)
{
	struct cache_entry **p;
	struct cache_user **up, *u;

	for (p = &c->keys[e->hash & c->mask]; *p != e; p = &(*p)->chain)
		;
	*p = e->chain;

	if (e->uprev != NULL)
		e->uprev->unext = e->unext;
	else {
		/* The first page of its user. */
		for (up = &c->users[cache_user_slot(c, e->user_id)];
		    (*up)->id != e->user_id; up = &(*up)->chain)
			;
		u = *up;
		u->pages = e->unext;
		if (u->pages == NULL) {
			*up = u->chain;
			free(u);
		}
	}
	if (e->unext != NULL)
		e->unext->uprev = e->uprev;

	cache_lru_unlink(c, e);
	c->bytes -= e->cost;
	free(e->key);
	free(e->body);
	free(e);
	c->n--;
}

static struct cache_entry *
cache_find(const struct cache *c, const char *key, uint64_t h)
{
	struct cache_entry *e;

	for (e = c->keys[h & c->mask]; e != NULL; e = e->chain)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
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
	struct cache_entry *e = cache_find(c, key, cache_hash(key));

	if (e == NULL)
		return NULL;
	if (cache_expired(c, e, now_ms)) {
		cache_remove(c, e);
		return NULL;
	}
	cache_lru_unlink(c, e);
	cache_lru_push(c, e);
	*len = e->len;
	return e->body;
}

void
cache_put(struct cache *c, const char *key, int64_t user_id,
    const char *body, size_t len, int64_t now_ms)
{
	uint64_t h = cache_hash(key);
	struct cache_entry *e;
	struct cache_user *u;
	size_t slot, klen = strlen(key), cost;

	if ((e = cache_find(c, key, h)) != NULL)
		cache_remove(c, e);
	/* what it takes, allocator overhead aside */
	cost = sizeof(*e) + klen + 1 + len + 1;
	if (c->max == 0 || len > c->max_bytes || cost > c->max_bytes)
		return;		/* larger than the whole cache */
	while ((c->n >= c->max || c->bytes + cost > c->max_bytes) &&
	    c->tail != NULL)
		cache_remove(c, c->tail);

	e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->hash = h;
	e->user_id = user_id;
	e->body = xmalloc(len + 1);
	memcpy(e->body, body, len);
	e->body[len] = '\0';
	e->len = len;
	e->cost = cost;
	e->stored_ms = now_ms;
	e->chain = c->keys[h & c->mask];
	c->keys[h & c->mask] = e;

	if ((u = cache_user_find(c, user_id)) == NULL) {
		slot = cache_user_slot(c, user_id);
		u = xcalloc(1, sizeof *u);
		u->id = user_id;
		u->chain = c->users[slot];
		c->users[slot] = u;
	}
	e->unext = u->pages;
	if (u->pages != NULL)
		u->pages->uprev = e;
	u->pages = e;

	cache_lru_push(c, e);
	c->n++;
	c->bytes += cost;
}

void
cache_invalidate_user(struct cache *c, int64_t user_id)
{
	struct cache_user *u;

	/* Removing the last page frees u, so look it up each time. */
	while ((u = cache_user_find(c, user_id)) != NULL)
		cache_remove(c, u->pages);
}

void
cache_clear(struct cache *c)
{
	while (c->head != NULL)
		cache_remove(c, c->head);
}

size_t
cache_count(const struct cache *c)
{
	return c->n;
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
	free(c->keys);
	free(c->users);
	free(c);
}
